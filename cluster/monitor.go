package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Outcome is one task's result as a Monitor sees it go by in the result
// stream: which run and task it answers, when, whether the job failed,
// and the output the worker stored.
type Outcome struct {
	Run       string
	Job       string // "" when the task was not seen (purged, past retention)
	Seq       string // the task's number within its run
	Task      uint64 // the task's sequence in the task stream, 0 when not seen
	Time      time.Time
	Err       string // the job's error message, "" when it succeeded
	Transient bool
	Worker    string // host:pid of the worker that answered, "" from an older worker
	Output    []byte // the whole output, its parts joined
}

// MonitorConfig configures a Monitor.
type MonitorConfig struct {
	// Config names the streams and buckets, as the broker's workers and
	// submitters use them. The zero value uses the defaults.
	Config Config
	// OnOutcome is called for every result in the result stream, the
	// oldest first (the stored ones at the start, then each as it comes),
	// from one goroutine at a time. A failed result is delivered once its
	// task has been seen, so that Outcome.Task names it (or, when the
	// task is gone, after a short wait with Task 0).
	OnOutcome func(Outcome)
}

// Monitor watches a broker's runs, queue and workers for the broker's web
// page: it reads the task stream (headers only) and the result stream from
// their start, and answers what JetStream itself knows of the queue. It
// costs, per run, a few bytes per contiguous range of task numbers, and
// per failed task one entry (up to maxFailedTasks per run), for retries.
type Monitor struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	cfg     Config
	onOut   func(Outcome)
	outMu   sync.Mutex // one onOut call at a time
	tasks   jetstream.ConsumeContext
	results jetstream.ConsumeContext
	maxDel  *nats.Subscription
	givenUp atomic.Int64
	quit    chan struct{}
	wg      sync.WaitGroup

	kvMu sync.Mutex
	kv   jetstream.KeyValue // runs
	wkv  jetstream.KeyValue // workers

	mu      sync.Mutex
	runs    map[string]*watched
	parts   map[string]*partial // run.seq -> parts of a result still coming
	waiting []Outcome           // failures whose task is not seen yet
	owned   map[string]*ownedRun
}

// watched is what a Monitor keeps of one run.
type watched struct {
	job     string
	tasks   seqIndex
	seen    int64 // tasks seen in the task stream
	ok      int64 // results without an error
	failed  int64 // results with one
	failSeq []uint64
}

type partial struct {
	parts [][]byte
	got   int
}

// maxFailedTasks bounds the failed tasks a Monitor remembers per run for
// Retry.
const maxFailedTasks = 100_000

// NewMonitor starts watching the broker nc is connected to. Close stops
// it; nc stays open.
func NewMonitor(ctx context.Context, nc *nats.Conn, mc MonitorConfig) (*Monitor, error) {
	cfg := mc.Config.withDefaults()
	js, err := ensure(ctx, nc, cfg)
	if err != nil {
		return nil, err
	}
	m := &Monitor{nc: nc, js: js, cfg: cfg, onOut: mc.OnOutcome, quit: make(chan struct{}),
		runs: map[string]*watched{}, parts: map[string]*partial{}, owned: map[string]*ownedRun{}}
	if m.onOut == nil {
		m.onOut = func(Outcome) {}
	}
	tc, err := js.OrderedConsumer(ctx, cfg.Stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{cfg.Subject + ".task.>"}, HeadersOnly: true})
	if err == nil {
		m.tasks, err = tc.Consume(m.task)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: monitor tasks: %w", err)
	}
	rc, err := js.OrderedConsumer(ctx, cfg.ResultStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{cfg.Subject + ".result.>"}})
	if err == nil {
		m.results, err = rc.Consume(m.result)
	}
	if err != nil {
		m.tasks.Stop()
		return nil, fmt.Errorf("cluster: monitor results: %w", err)
	}
	m.maxDel, err = nc.Subscribe(fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", cfg.Stream, cfg.Consumer), func(*nats.Msg) { m.givenUp.Add(1) })
	if err != nil {
		m.tasks.Stop()
		m.results.Stop()
		return nil, fmt.Errorf("cluster: monitor advisories: %w", err)
	}
	m.wg.Go(m.loop)
	return m, nil
}

// Close stops watching and waits for the monitor's goroutines.
func (m *Monitor) Close() {
	close(m.quit)
	m.wg.Wait()
	m.tasks.Stop()
	m.results.Stop()
	_ = m.maxDel.Unsubscribe()
}

// Config is the monitor's configuration, defaults filled in.
func (m *Monitor) Config() Config { return m.cfg }

func (m *Monitor) watch(run string) *watched {
	w := m.runs[run]
	if w == nil {
		w = &watched{}
		m.runs[run] = w
	}
	return w
}

// task records one task's place: its run, its number, its stream sequence.
func (m *Monitor) task(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		return
	}
	run := runOf(msg.Subject())
	seq, ok := seqNumber(msg.Headers().Get(hdrReply), m.cfg.resultSubject(run, ""))
	m.mu.Lock()
	w := m.watch(run)
	w.job = jobOf(msg.Subject(), m.cfg)
	w.seen++
	if ok {
		w.tasks.add(seq, md.Sequence.Stream)
	}
	m.mu.Unlock()
}

// result takes one result message, joins its parts, and hands it on.
func (m *Monitor) result(msg jetstream.Msg) {
	run, seq, ok := splitResult(msg.Subject(), m.cfg)
	if !ok {
		return
	}
	h := msg.Headers()
	data := msg.Data()
	m.mu.Lock()
	if p := h.Get(hdrPart); p != "" {
		i, n, ok := parsePart(p)
		if !ok {
			m.mu.Unlock()
			return
		}
		key := run + "." + seq
		pt := m.parts[key]
		if pt == nil || len(pt.parts) != n {
			pt = &partial{parts: make([][]byte, n)}
			m.parts[key] = pt
		}
		if pt.parts[i] == nil {
			pt.parts[i] = data
			pt.got++
		}
		if pt.got < n {
			m.mu.Unlock()
			return
		}
		delete(m.parts, key)
		data = joinParts(pt.parts)
	}
	o := Outcome{Run: run, Seq: seq, Err: h.Get(hdrError), Transient: h.Get(hdrTransient) == "1", Worker: h.Get(hdrWorker), Output: data}
	if md, err := msg.Metadata(); err == nil {
		o.Time = md.Timestamp
	}
	w := m.watch(run)
	if o.Err == "" {
		w.ok++
	} else {
		w.failed++
	}
	o.Job = w.job
	if n, ok := parseSeq(seq); ok {
		o.Task = w.tasks.find(n)
	}
	if o.Err != "" && o.Task == 0 {
		m.waiting = append(m.waiting, o) // its task may come a moment later
		m.mu.Unlock()
		return
	}
	if o.Err != "" && len(w.failSeq) < maxFailedTasks {
		w.failSeq = append(w.failSeq, o.Task)
	}
	m.mu.Unlock()
	m.deliver(o)
}

// deliver calls OnOutcome, one call at a time.
func (m *Monitor) deliver(o Outcome) {
	m.outMu.Lock()
	defer m.outMu.Unlock()
	m.onOut(o)
}

// loop delivers failures whose task came late, and beats for the runs
// this monitor owns (see Retry).
func (m *Monitor) loop() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	beat := time.Now()
	for {
		select {
		case <-m.quit:
			return
		case <-t.C:
		}
		m.resolveWaiting()
		if time.Since(beat) >= m.cfg.Heartbeat/2 {
			beat = time.Now()
			m.beatOwned()
		}
	}
}

// resolveWaiting delivers the failures whose task has been seen since, and
// those that waited more than two seconds without it.
func (m *Monitor) resolveWaiting() {
	m.mu.Lock()
	var ready []Outcome
	keep := m.waiting[:0]
	for _, o := range m.waiting {
		w := m.watch(o.Run)
		if n, ok := parseSeq(o.Seq); ok {
			o.Task = w.tasks.find(n)
		}
		o.Job = cmp.Or(o.Job, w.job)
		if o.Task == 0 && time.Since(o.Time) < 2*time.Second {
			keep = append(keep, o)
			continue
		}
		if o.Task != 0 && len(w.failSeq) < maxFailedTasks {
			w.failSeq = append(w.failSeq, o.Task)
		}
		ready = append(ready, o)
	}
	m.waiting = keep
	m.mu.Unlock()
	for _, o := range ready {
		m.deliver(o)
	}
}

// RunCounts is what a Monitor has counted of one run from the streams.
type RunCounts struct {
	Tasks  int64 // tasks seen in the task stream
	OK     int64 // results without an error
	Failed int64 // results with one
}

// Counts returns what the monitor has counted of run id so far.
func (m *Monitor) Counts(id string) RunCounts {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.runs[id]
	if w == nil {
		return RunCounts{}
	}
	return RunCounts{Tasks: w.seen, OK: w.ok, Failed: w.failed}
}

// runBucket returns the run bucket, opened once.
func (m *Monitor) runBucket(ctx context.Context) (jetstream.KeyValue, error) {
	m.kvMu.Lock()
	defer m.kvMu.Unlock()
	if m.kv == nil {
		kv, err := runBucket(ctx, m.js, m.cfg, 1)
		if err != nil {
			return nil, err
		}
		m.kv = kv
	}
	return m.kv, nil
}

// Runs lists the runs in the broker's run bucket, newest first.
func (m *Monitor) Runs(ctx context.Context) ([]Run, error) {
	kv, err := m.runBucket(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: list runs: %w", err)
	}
	var runs []Run
	for id := range keys.Keys() {
		r, _, err := getRun(ctx, kv, id)
		if errors.Is(err, ErrNoRun) {
			continue
		}
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	slices.SortFunc(runs, func(a, b Run) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID)) })
	return runs, nil
}

// Run returns the record of run id, or an error wrapping ErrNoRun.
func (m *Monitor) Run(ctx context.Context, id string) (Run, error) {
	kv, err := m.runBucket(ctx)
	if err != nil {
		return Run{}, err
	}
	r, _, err := getRun(ctx, kv, id)
	return r, err
}

// Cancel withdraws run id as Client.Cancel does.
func (m *Monitor) Cancel(ctx context.Context, id, reason string) (Run, uint64, error) {
	kv, err := m.runBucket(ctx)
	if err != nil {
		return Run{}, 0, err
	}
	r, err := markCancelled(ctx, kv, id, reason)
	if err != nil {
		return r, 0, err
	}
	m.mu.Lock()
	delete(m.owned, id)
	m.mu.Unlock()
	n, err := withdraw(ctx, m.js, m.cfg, id)
	return r, n, err
}
