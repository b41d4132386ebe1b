package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/fanout-dev/fanout/cluster"
	"github.com/nats-io/nats.go"
)

// Explainer tells what one task of a job held: how many of its items
// succeeded, and which failed. input fetches the task's input from the
// task stream (nil when the task is gone); call it only when needed, as it
// asks the broker.
type Explainer func(o cluster.Outcome, input func() []byte) (ok int, fails []Failure)

// BrokerConfig configures a Broker.
type BrokerConfig struct {
	// Config names the cluster's streams and buckets; the zero value uses
	// the defaults.
	Config cluster.Config
	// Explain holds an Explainer per job name; a job without one counts
	// each task as one item, named by its input.
	Explain map[string]Explainer
	// Refresh is how often run records are read; zero means 500ms.
	Refresh time.Duration
}

// Broker is the web side of a broker: the views of every run the cluster
// knows, its workers, its queue and its metrics, from a cluster.Monitor.
type Broker struct {
	m       *cluster.Monitor
	cfg     BrokerConfig
	set     *metrics.Set
	quit    chan struct{}
	stopped chan struct{}

	mu      sync.Mutex
	records []cluster.Run // as last read, newest first
	read    bool          // records were read once
	runs    map[string]*RemoteRun
	items   map[string]*metrics.Counter // by job and result
}

// StartBroker starts watching the broker nc is connected to. Stop ends it.
func StartBroker(ctx context.Context, nc *nats.Conn, cfg BrokerConfig) (*Broker, error) {
	if cfg.Refresh <= 0 {
		cfg.Refresh = 500 * time.Millisecond
	}
	b := &Broker{cfg: cfg, set: metrics.NewSet(), quit: make(chan struct{}), stopped: make(chan struct{}),
		runs: map[string]*RemoteRun{}, items: map[string]*metrics.Counter{}}
	m, err := cluster.NewMonitor(ctx, nc, cluster.MonitorConfig{Config: cfg.Config, OnOutcome: b.outcome})
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.m = m
	b.mu.Unlock()
	b.refresh(ctx)
	go b.loop()
	return b, nil
}

// Stop ends the watching and waits for it.
func (b *Broker) Stop() {
	close(b.quit)
	<-b.stopped
	b.m.Close()
}

// Monitor is the broker's monitor.
func (b *Broker) Monitor() *cluster.Monitor { return b.m }

func (b *Broker) loop() {
	defer close(b.stopped)
	t := time.NewTicker(b.cfg.Refresh)
	defer t.Stop()
	for {
		select {
		case <-b.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b.refresh(ctx)
		cancel()
	}
}

// refresh reads every run's record into its view.
func (b *Broker) refresh(ctx context.Context) {
	runs, err := b.m.Runs(ctx)
	if err != nil {
		return
	}
	b.mu.Lock()
	b.records, b.read = runs, true
	b.mu.Unlock()
	for _, rec := range runs {
		b.run(rec.ID).setRecord(rec)
	}
}

// recordsNow returns the run records as last read (every Refresh), so
// that pages and event streams cost no reads of the bucket; before the
// first read, it reads them.
func (b *Broker) recordsNow(ctx context.Context) ([]cluster.Run, error) {
	b.mu.Lock()
	runs, read := b.records, b.read
	b.mu.Unlock()
	if read {
		return runs, nil
	}
	return b.m.Runs(ctx)
}

// run returns the view of run id, made on first use.
func (b *Broker) run(id string) *RemoteRun {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.runs[id]
	if r == nil {
		r = newRemoteRun(id, func() cluster.RunCounts { return b.m.Counts(id) })
		b.runs[id] = r
	}
	return r
}

// view returns the view of run id if the broker knows the run. A run
// whose record was not read yet (it began since the last refresh) is read
// now, so that its page has its job and settings from the first visit.
func (b *Broker) view(id string) View {
	b.mu.Lock()
	r := b.runs[id]
	b.mu.Unlock()
	if r != nil {
		if _, known := r.Record(); known {
			return r
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rec, err := b.m.Run(ctx, id)
	if err != nil {
		if r == nil {
			return nil
		}
		return r // results without a record: a run of an older submitter
	}
	r = b.run(id)
	r.setRecord(rec)
	return r
}

// outcome counts one result, as the monitor delivers it.
func (b *Broker) outcome(o cluster.Outcome) {
	r := b.run(o.Run)
	explain := b.cfg.Explain[o.Job]
	if explain == nil {
		explain = explainTask
	}
	input := func() []byte {
		if o.Task == 0 {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		in, _, err := b.m.TaskInput(ctx, o.Task)
		if err != nil {
			return nil
		}
		return in
	}
	if kept, _ := r.fails.kept(); kept >= MaxFailures {
		input = func() []byte { return nil } // only counted from now on: no need to name them
	}
	ok, fails := explain(o, input)
	for i := range fails {
		if fails[i].Worker == "" {
			fails[i].Worker = o.Worker
		}
		if fails[i].Attempts == 0 {
			fails[i].Attempts = 1
		}
	}
	r.outcome(o, ok, fails)
	job := o.Job
	if job == "" {
		job = "unknown"
	}
	b.itemCounter(job, "ok").Add(ok)
	if len(fails) > 0 {
		b.itemCounter(job, "failed").Add(len(fails))
	}
}

// itemCounter is fanout_items_total for job and result.
func (b *Broker) itemCounter(job, result string) *metrics.Counter {
	key := job + "\x00" + result
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.items[key]
	if c == nil {
		c = b.set.NewCounter(fmt.Sprintf(`fanout_items_total{job="%s",result="%s"}`, labelValue(job), result))
		b.items[key] = c
	}
	return c
}

// explainTask is the Explainer of a job that has none: a task is an item,
// named by its input (a JSON string is shown unquoted).
func explainTask(o cluster.Outcome, input func() []byte) (int, []Failure) {
	if o.Err == "" {
		return 1, nil
	}
	return 0, []Failure{{Item: InputName(input()), Class: ErrorClass(o), Reason: o.Err}}
}

// ErrorClass is the class of a failed task by what the cluster says of it:
// "transient" when the job marked the error as one that may pass, else
// "error".
func ErrorClass(o cluster.Outcome) string {
	if o.Transient {
		return "transient"
	}
	return "error"
}
