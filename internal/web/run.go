package web

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// State is where a run is.
type State string

// The states of a run.
const (
	StateRunning     State = "running"
	StateFinished    State = "finished"    // every input was taken and every item ended
	StateInterrupted State = "interrupted" // stopped by Ctrl-C or SIGTERM
	StateFailed      State = "failed"      // stopped by an error: halted, output or input failed
)

// Setting is one setting of a run as the page lists it: a flag and its
// value, say.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Info describes a run before it starts.
type Info struct {
	ID       string    // names the run in addresses; "local" if empty
	Job      string    // the job's name: "titles", "primes", ...
	Noun     string    // what an item is, plural: "URLs", "numbers"
	Settings []Setting // shown as given
	Total    int       // items, when known before the run; else 0
	Classes  bool      // the job names a class for each error
}

// Run is the live state of one run: counters kept as items finish, a
// timeline, and the first failures. Its methods are safe for concurrent
// use; a run normally has one goroutine that reports results (OK, Fail,
// Cancelled) and any number that read it.
type Run struct {
	info    Info
	started time.Time
	done    chan struct{}

	set                   *metrics.Set
	ok, failed, cancelled *metrics.Counter
	duration              *metrics.PrometheusHistogram
	inFlight              atomic.Int64
	total                 atomic.Int64

	mu        sync.Mutex // guards what follows
	state     State
	ended     time.Time
	tl        timeline
	failClass map[string]*metrics.Counter

	fails failureStore
}

// NewRun returns the state of a run that starts now.
func NewRun(info Info) *Run {
	if info.ID == "" {
		info.ID = "local"
	}
	r := &Run{info: info, started: time.Now(), done: make(chan struct{}), state: StateRunning}
	r.total.Store(int64(max(info.Total, 0)))
	r.initMetrics()
	return r
}

// OK counts n items that succeeded.
func (r *Run) OK(n int) {
	if n <= 0 {
		return
	}
	r.ok.Add(n)
	r.tick(n)
}

// Fail counts one failed item and keeps it while the store has room. Its
// class must be "" when the job has no classes.
func (r *Run) Fail(item, class, reason string, attempts int) {
	r.failed.Inc()
	class = r.fails.add(Failure{Item: item, Class: class, Reason: reason, Attempts: attempts})
	if class != "" {
		r.failureCounter(class).Inc()
	}
	r.tick(1)
}

// Cancelled counts n items that the run's end cancelled or never started.
func (r *Run) Cancelled(n int) {
	if n > 0 {
		r.cancelled.Add(n)
	}
}

// tick counts n items finished now on the timeline.
func (r *Run) tick(n int) {
	el := time.Since(r.started)
	r.mu.Lock()
	r.tl.add(el, int64(n))
	r.mu.Unlock()
}

// Begin marks an attempt at an item as started; pass what it returns to
// End when the attempt ends.
func (r *Run) Begin() time.Time {
	r.inFlight.Add(1)
	return time.Now()
}

// End marks an attempt begun at start as ended and records its duration.
func (r *Run) End(start time.Time) {
	r.inFlight.Add(-1)
	r.duration.UpdateDuration(start)
}

// Finish ends the run in state s. A positive total replaces the number of
// items known before the run (a run that went through has done them all).
// Only the first call counts.
func (r *Run) Finish(s State, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != StateRunning {
		return
	}
	if total > 0 {
		r.total.Store(int64(total))
	}
	r.state, r.ended = s, time.Now()
	close(r.done)
}

// ID names the run in addresses.
func (r *Run) ID() string { return r.info.ID }

// Done is closed when the run has finished.
func (r *Run) Done() <-chan struct{} { return r.done }

// Failures returns the page of kept failures that q selects.
func (r *Run) Failures(q Query) FailurePage { return r.fails.query(q) }

// WriteMetrics writes the run's metrics in the Prometheus text format.
func (r *Run) WriteMetrics(w io.Writer) { r.set.WritePrometheus(w) }

// Snapshot is a run's state at one moment.
type Snapshot struct {
	ID         string
	Job        string
	Noun       string
	Settings   []Setting
	Started    time.Time
	State      State
	OK         int64
	Failed     int64
	Cancelled  int64
	Done       int64 // OK + Failed
	Total      int64 // 0 when unknown
	InFlight   int64
	Elapsed    time.Duration
	Rate       float64       // items done per second, over the run so far
	ETA        time.Duration // -1 when unknown
	Timeline   Timeline
	Classes    []ClassCount
	HasClasses bool
	Kept       int   // failures kept in full
	Dropped    int64 // failures counted but not kept
	// Remote is set for a cluster run on a broker: its counts are tasks,
	// and ItemsOK and ItemsFailed count the items in them.
	Remote      bool
	ItemsOK     int64
	ItemsFailed int64
}

// Snapshot returns the run's state now.
func (r *Run) Snapshot() Snapshot {
	s := Snapshot{
		ID: r.info.ID, Job: r.info.Job, Noun: r.info.Noun, Settings: r.info.Settings,
		Started: r.started, HasClasses: r.info.Classes,
	}
	r.mu.Lock()
	s.State = r.state
	end := r.ended
	if s.State == StateRunning {
		end = time.Now()
	}
	s.Elapsed = end.Sub(r.started)
	s.Timeline = r.tl.snapshot(s.Elapsed)
	r.mu.Unlock()

	s.OK, s.Failed, s.Cancelled = int64(r.ok.Get()), int64(r.failed.Get()), int64(r.cancelled.Get())
	s.Done = s.OK + s.Failed
	s.Total = r.total.Load()
	s.InFlight = max(r.inFlight.Load(), 0)
	s.Classes = r.fails.classes()
	s.Kept, s.Dropped = r.fails.kept()
	if secs := s.Elapsed.Seconds(); secs > 0 {
		s.Rate = float64(s.Done) / secs
	}
	s.ETA = -1
	if s.State == StateRunning && s.Total > 0 && s.Rate > 0 {
		left := max(s.Total-s.Done, 0)
		s.ETA = time.Duration(float64(left) / s.Rate * float64(time.Second))
	}
	return s
}
