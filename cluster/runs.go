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

	"github.com/nats-io/nats.go/jetstream"
)

// Run states, as a Run record holds them.
const (
	StateRunning   = "running"   // the submitter is at work
	StateFinished  = "finished"  // every task the submitter sent was answered
	StateStopped   = "stopped"   // the submitter ended with tasks unanswered (Ctrl-C, a lost broker)
	StateCancelled = "cancelled" // withdrawn with Cancel (fanout cancel)
	StateAbandoned = "abandoned" // the submitter was gone for longer than Config.AbandonAfter
)

// Run is the record of one run in the broker's run bucket: what a
// submitter runs, from where, and how far it is. The submitter writes it
// when the run starts and every Config.Heartbeat while it goes on.
type Run struct {
	ID       string          `json:"id"`
	Job      string          `json:"job"`
	Settings json.RawMessage `json:"settings,omitempty"`
	// Display is how the submitting command shows results (its order,
	// its output format), for fanout wait to show them the same way.
	Display json.RawMessage `json:"display,omitempty"`
	Host    string          `json:"host"` // the submitter's
	PID     int             `json:"pid"`
	Created time.Time       `json:"created"`
	Updated time.Time       `json:"updated"`         // the submitter's last heartbeat
	Waited  time.Time       `json:"waited,omitzero"` // the last heartbeat of a fanout wait attached to it
	State   string          `json:"state"`
	Reason  string          `json:"reason,omitempty"` // why it was cancelled or abandoned
	Total   int64           `json:"total"`            // tasks sent so far
	Done    int64           `json:"done"`             // tasks answered with a result
	Failed  int64           `json:"failed"`           // tasks answered with an error
}

// Pending is how many of the run's tasks are still unanswered.
func (r Run) Pending() int64 { return max(r.Total-r.Done-r.Failed, 0) }

// ended reports whether r's state is final.
func (r Run) ended() bool { return r.State != StateRunning }

// ErrNoRun is the error of Cancel for a run id the broker does not know.
var ErrNoRun = errors.New("cluster: no such run")

// ErrRunEnded is the error of Cancel for a run that has ended already.
var ErrRunEnded = errors.New("cluster: run has ended")

// ErrRunCancelled is the error of the items of a run that was cancelled,
// or abandoned, while they waited.
var ErrRunCancelled = errors.New("cluster: run cancelled")

// runBucket opens the run bucket, making it if it is missing.
func runBucket(ctx context.Context, js jetstream.JetStream, cfg Config, replicas int) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, cfg.RunBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, runBucketConfig(cfg, replicas))
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, cfg.RunBucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: run bucket %s: %w", cfg.RunBucket, err)
	}
	return kv, nil
}

func runBucketConfig(cfg Config, replicas int) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{
		Bucket:   cfg.RunBucket,
		TTL:      cfg.Retention,
		MaxBytes: 64 << 20,
		History:  1,
		Replicas: replicas,
		Storage:  jetstream.FileStorage,
	}
}

// getRun reads a run's record and its revision.
func getRun(ctx context.Context, kv jetstream.KeyValue, id string) (Run, uint64, error) {
	e, err := kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Run{}, 0, fmt.Errorf("%w %q", ErrNoRun, id)
	}
	if err != nil {
		return Run{}, 0, fmt.Errorf("cluster: run %s: %w", id, err)
	}
	var r Run
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return Run{}, 0, fmt.Errorf("cluster: run %s: damaged record: %w", id, err)
	}
	return r, e.Revision(), nil
}

// updateRun changes a run's record with change, safely against other
// writers: it rereads and retries when someone wrote in between. change
// returns false to leave the record as it is.
func updateRun(ctx context.Context, kv jetstream.KeyValue, id string, change func(*Run) bool) (Run, error) {
	for {
		r, rev, err := getRun(ctx, kv, id)
		if err != nil {
			return r, err
		}
		if !change(&r) {
			return r, nil
		}
		b, _ := json.Marshal(r)
		_, err = kv.Update(ctx, id, b, rev)
		if err == nil {
			return r, nil
		}
		var apiErr *jetstream.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode != jetstream.JSErrCodeStreamWrongLastSequence {
			return r, fmt.Errorf("cluster: run %s: %w", id, err)
		}
	}
}

// Runs lists the runs the broker knows, newest first.
func (c *Client) Runs(ctx context.Context) ([]Run, error) {
	keys, err := c.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: list runs: %w", err)
	}
	var runs []Run
	for id := range keys.Keys() {
		r, _, err := getRun(ctx, c.kv, id)
		if errors.Is(err, ErrNoRun) {
			continue // expired meanwhile
		}
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	slices.SortFunc(runs, func(a, b Run) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID)) })
	return runs, nil
}

// Cancel withdraws run id: its record says cancelled (with reason), its
// tasks are removed from the queue, those waiting and those running, and
// the running ones stop at their worker's next heartbeat; the submitter's
// waiting calls fail with ErrRunCancelled at its next heartbeat. It
// returns the record and how many tasks were removed. An ended run is
// left as it is, with an error that wraps ErrRunEnded.
func (c *Client) Cancel(ctx context.Context, id, reason string) (Run, uint64, error) {
	r, err := markCancelled(ctx, c.kv, id, reason)
	if err != nil {
		return r, 0, err
	}
	n, err := withdraw(ctx, c.js, c.cfg, id)
	return r, n, err
}

// markCancelled sets run id's record to cancelled, with reason; an ended
// run is left as it is, with an error that wraps ErrRunEnded.
func markCancelled(ctx context.Context, kv jetstream.KeyValue, id, reason string) (Run, error) {
	ended := false
	r, err := updateRun(ctx, kv, id, func(r *Run) bool {
		if ended = r.ended(); ended {
			return false
		}
		r.State, r.Reason = StateCancelled, reason
		return true
	})
	if err == nil && ended {
		err = fmt.Errorf("%w: run %s is %s", ErrRunEnded, id, r.State)
	}
	return r, err
}

// withdraw removes the tasks of run id that wait in the queue.
func withdraw(ctx context.Context, js jetstream.JetStream, cfg Config, id string) (uint64, error) {
	s, err := js.Stream(ctx, cfg.Stream)
	if err == nil {
		var before *jetstream.StreamInfo
		if before, err = s.Info(ctx); err == nil {
			if err = s.Purge(ctx, jetstream.WithPurgeSubject(cfg.taskSubject("*", id))); err == nil {
				after, ierr := s.Info(ctx)
				if ierr == nil && before.State.Msgs >= after.State.Msgs {
					return before.State.Msgs - after.State.Msgs, nil
				}
				return 0, nil
			}
		}
	}
	return 0, fmt.Errorf("cluster: withdraw the tasks of run %s: %w", id, err)
}

// record is a submitter's side of its run's record: it writes it at the
// start, then every heartbeat with the counts, and learns from it that the
// run was cancelled.
type record struct {
	c    *Client
	once sync.Once
	quit chan struct{}
	done chan struct{}

	mu                  sync.Mutex
	total, ok, failures int64
}

func (rc *record) sent() { rc.mu.Lock(); rc.total++; rc.mu.Unlock() }
func (rc *record) answered(e bool) {
	rc.mu.Lock()
	if e {
		rc.failures++
	} else {
		rc.ok++
	}
	rc.mu.Unlock()
}

func (rc *record) counts(r *Run) {
	rc.mu.Lock()
	r.Total, r.Done, r.Failed = rc.total, rc.ok, rc.failures
	rc.mu.Unlock()
}

// start writes the run's first record, for job with its encoded settings,
// and starts the heartbeat. Only the first call does anything.
func (rc *record) start(job string, settings []byte) {
	rc.once.Do(func() {
		c := rc.c
		host, _ := os.Hostname()
		now := time.Now().UTC()
		r := Run{ID: c.run, Job: job, Settings: settings, Display: c.display, Host: host, PID: os.Getpid(), Created: now, Updated: now, State: StateRunning}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b, _ := json.Marshal(r)
		_, _ = c.kv.Create(ctx, c.run, b) // a broker away now: the heartbeat writes it later
		cancel()
		rc.quit, rc.done = make(chan struct{}), make(chan struct{})
		go rc.beat(r)
	})
}

// beat updates the record every heartbeat until stop.
func (rc *record) beat(first Run) {
	defer close(rc.done)
	t := time.NewTicker(rc.c.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-rc.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), rc.c.cfg.Heartbeat)
		r, err := updateRun(ctx, rc.c.kv, rc.c.run, func(r *Run) bool {
			if r.ended() {
				return false
			}
			r.Updated = time.Now().UTC()
			rc.counts(r)
			return true
		})
		if errors.Is(err, ErrNoRun) { // not written at the start: write it now
			first.Updated = time.Now().UTC()
			rc.counts(&first)
			b, _ := json.Marshal(first)
			_, _ = rc.c.kv.Create(ctx, rc.c.run, b)
		}
		cancel()
		if err == nil && r.ended() {
			rc.c.failAll(fmt.Errorf("%w: %s", ErrRunCancelled, cmp.Or(r.Reason, r.State)))
		}
	}
}

// stop ends the heartbeat and writes the run's final state; it reports
// whether the run finished (every task it sent was answered).
func (rc *record) stop() (finished bool) {
	rc.once.Do(func() {}) // no start after this
	var probe Run
	rc.counts(&probe)
	if rc.quit == nil {
		return probe.Pending() == 0
	}
	close(rc.quit)
	<-rc.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = updateRun(ctx, rc.c.kv, rc.c.run, func(r *Run) bool {
		if r.ended() {
			return false
		}
		r.Updated = time.Now().UTC()
		rc.counts(r)
		r.State = StateFinished
		if r.Pending() > 0 {
			r.State = StateStopped
		}
		return true
	})
	return probe.Pending() == 0
}
