package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// WorkerRecord is what a worker says of itself in the broker's worker
// bucket (Config.Stream + "_WORKERS"), every Config.Heartbeat.
type WorkerRecord struct {
	ID      string    `json:"id"` // host:pid
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Version string    `json:"version"`
	Jobs    []string  `json:"jobs"`
	Slots   int       `json:"slots"`
	Busy    int       `json:"busy"`   // tasks running now
	Done    int64     `json:"done"`   // tasks run
	Failed  int64     `json:"failed"` // of them, failed
	Started time.Time `json:"started"`
	Beat    time.Time `json:"beat"` // the last heartbeat
	Gone    bool      `json:"gone"` // said goodbye
}

// Silent reports whether the worker missed three heartbeats of every
// heartbeat: it is gone without saying so (killed, cut off).
func (w WorkerRecord) Silent(now time.Time, heartbeat time.Duration) bool {
	return !w.Gone && now.Sub(w.Beat) > 3*heartbeat
}

// workerTTL is how long a worker's record stays after its last write: gone
// workers are listed as such for that long.
const workerTTL = 10 * time.Minute

func workerBucket(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.KeyValue, error) {
	name := cfg.Stream + "_WORKERS"
	kv, err := js.KeyValue(ctx, name)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: name, TTL: workerTTL, History: 1, MaxBytes: 16 << 20, Storage: jetstream.FileStorage})
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: worker bucket %s: %w", name, err)
	}
	return kv, nil
}

// Presence keeps a worker's record in the worker bucket: it counts the
// tasks of the jobs Wrap returns and writes the counts every heartbeat.
type Presence struct {
	kv   jetstream.KeyValue
	cfg  Config
	quit chan struct{}
	done chan struct{}

	mu  sync.Mutex
	rec WorkerRecord
}

// StartPresence writes the record of a worker with slots slots, running
// jobs, of fanout version, and keeps it up to date until Stop. A broker
// that cannot hold the bucket (an older broker's permissions) is an error;
// the caller may go on without.
func StartPresence(ctx context.Context, nc *nats.Conn, cfg Config, version string, jobs []string, slots int) (*Presence, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	kv, err := workerBucket(ctx, js, cfg)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	now := time.Now().UTC()
	p := &Presence{kv: kv, cfg: cfg, quit: make(chan struct{}), done: make(chan struct{}),
		rec: WorkerRecord{ID: workerName, Host: host, PID: os.Getpid(), Version: version, Jobs: jobs, Slots: slots, Started: now}}
	p.write(ctx)
	go p.beat()
	return p, nil
}

func (p *Presence) write(ctx context.Context) {
	p.mu.Lock()
	p.rec.Beat = time.Now().UTC()
	b, _ := json.Marshal(p.rec)
	p.mu.Unlock()
	_, _ = p.kv.Put(ctx, workerKey(workerName), b) // a broker away: the next beat writes it
}

// workerKey is id as a key: ':' is not allowed in keys.
func workerKey(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

func (p *Presence) beat() {
	defer close(p.done)
	t := time.NewTicker(p.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), p.cfg.Heartbeat)
		p.write(ctx)
		cancel()
	}
}

// Stop ends the heartbeat and marks the worker gone.
func (p *Presence) Stop() {
	close(p.quit)
	<-p.done
	p.mu.Lock()
	p.rec.Gone, p.rec.Busy = true, 0
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p.write(ctx)
}

// Record returns the worker's record as it stands.
func (p *Presence) Record() WorkerRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rec
}

// Wrap returns a registry of reg's jobs whose runs p counts: busy while
// they run, done and failed when they end.
func (p *Presence) Wrap(reg *engine.Registry) *engine.Registry {
	out := &engine.Registry{}
	for _, name := range reg.Names() {
		d, err := reg.Lookup(name)
		if err == nil {
			_ = out.Add(counted{d, p})
		}
	}
	return out
}

// counted is a job definition whose runs a Presence counts.
type counted struct {
	engine.Definition
	p *Presence
}

func (c counted) Raw(settings []byte) (engine.RawFunc, error) {
	raw, err := c.Definition.Raw(settings)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, in []byte) ([]byte, error) {
		c.p.mu.Lock()
		c.p.rec.Busy++
		c.p.mu.Unlock()
		out, err := raw(ctx, in)
		c.p.mu.Lock()
		c.p.rec.Busy--
		if ctx.Err() == nil {
			c.p.rec.Done++
			if err != nil {
				c.p.rec.Failed++
			}
		}
		c.p.mu.Unlock()
		return out, err
	}, nil
}

// Workers lists the workers that reported themselves within the last
// ten minutes, gone ones included, by host and pid.
func (m *Monitor) Workers(ctx context.Context) ([]WorkerRecord, error) {
	m.kvMu.Lock()
	if m.wkv == nil {
		kv, err := workerBucket(ctx, m.js, m.cfg)
		if err != nil {
			m.kvMu.Unlock()
			return nil, err
		}
		m.wkv = kv
	}
	kv := m.wkv
	m.kvMu.Unlock()
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: list workers: %w", err)
	}
	var out []WorkerRecord
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if err != nil {
			continue // expired meanwhile
		}
		var w WorkerRecord
		if json.Unmarshal(e.Value(), &w) == nil {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b WorkerRecord) int { return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.PID, b.PID)) })
	return out, nil
}
