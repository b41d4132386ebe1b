package web

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/cluster"
)

// RemoteRun is the view of one cluster run on a broker: its record from
// the run bucket, and counters kept as its results go by in the result
// stream (tasks answered, a timeline by the results' own time stamps, and
// the first failures). Its methods are safe for concurrent use.
type RemoteRun struct {
	id     string
	done   chan struct{}
	counts func() cluster.RunCounts // the monitor's, read live

	mu        sync.Mutex
	rec       cluster.Run
	known     bool      // rec was read
	endedAt   time.Time // when rec was first seen ended
	start     time.Time // rec.Created, or the first result's time
	pending   []time.Time
	tl        timeline
	itemsOK   int64
	itemsFail int64

	fails failureStore
}

// newRemoteRun returns the view of run id.
func newRemoteRun(id string, counts func() cluster.RunCounts) *RemoteRun {
	return &RemoteRun{id: id, done: make(chan struct{}), counts: counts}
}

// settle is how long after its record ended a run's page still waits for
// results before its event streams end.
const settle = 2 * time.Second

// setRecord takes the run's record, as the run bucket holds it now.
func (r *RemoteRun) setRecord(rec cluster.Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec, r.known = rec, true
	if r.start.IsZero() || rec.Created.Before(r.start) {
		r.retime(rec.Created)
	}
	if rec.State != cluster.StateRunning {
		if r.endedAt.IsZero() {
			r.endedAt = time.Now()
		} else if time.Since(r.endedAt) > settle {
			select {
			case <-r.done:
			default:
				close(r.done)
			}
		}
	}
}

// retime starts the timeline at t, placing the results seen before again.
func (r *RemoteRun) retime(t time.Time) {
	r.start = t
	r.tl = timeline{}
	for _, at := range r.pending {
		r.tl.add(max(at.Sub(t), 0), 1)
	}
}

// maxRetimed bounds the results kept to re-place on the timeline when the
// run's record comes after them.
const maxRetimed = 10_000

// outcome counts one result and its items.
func (r *RemoteRun) outcome(o cluster.Outcome, ok int, fails []Failure) {
	r.mu.Lock()
	if r.start.IsZero() {
		r.start = o.Time
	}
	if !r.known && len(r.pending) < maxRetimed {
		r.pending = append(r.pending, o.Time)
	}
	r.tl.add(max(o.Time.Sub(r.start), 0), 1)
	r.itemsOK += int64(ok)
	r.itemsFail += int64(len(fails))
	r.mu.Unlock()
	for _, f := range fails {
		r.fails.add(f)
	}
}

// ID is the run's id.
func (r *RemoteRun) ID() string { return r.id }

// Done is closed a moment after the run's record says it ended.
func (r *RemoteRun) Done() <-chan struct{} { return r.done }

// Failures returns the page of kept failures q selects.
func (r *RemoteRun) Failures(q Query) FailurePage { return r.fails.query(q) }

// WriteMetrics writes nothing: the broker writes the metrics of all runs.
func (r *RemoteRun) WriteMetrics(io.Writer) {}

// Record returns the run's record as last read, and whether one was.
func (r *RemoteRun) Record() (cluster.Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec, r.known
}

// Snapshot returns the run's state now. Its counts are tasks: done and
// failed answered, total sent; its failures are items, as the job's
// explanation names them.
func (r *RemoteRun) Snapshot() Snapshot {
	c := r.counts()
	r.mu.Lock()
	rec := r.rec
	s := Snapshot{ID: r.id, Job: rec.Job, Noun: "tasks", Started: r.start, State: State(rec.State), HasClasses: true, Remote: true,
		ItemsOK: r.itemsOK, ItemsFailed: r.itemsFail}
	if s.State == "" {
		s.State = StateRunning
	}
	end := time.Now()
	if s.State != StateRunning && !rec.Updated.IsZero() {
		end = rec.Updated
	}
	s.Elapsed = max(end.Sub(r.start), 0)
	s.Timeline = r.tl.snapshot(s.Elapsed)
	r.mu.Unlock()

	s.OK = max(c.OK, rec.Done)
	s.Failed = max(c.Failed, rec.Failed)
	s.Done = s.OK + s.Failed
	s.Total = max(c.Tasks, rec.Total, s.Done)
	s.InFlight = max(s.Total-s.Done, 0)
	if s.State != StateRunning {
		s.Cancelled = s.InFlight // withdrawn, abandoned or never answered
		s.InFlight = 0
	}
	s.Settings = recordSettings(rec)
	s.Classes = r.fails.classes()
	s.Kept, s.Dropped = r.fails.kept()
	if secs := s.Elapsed.Seconds(); secs > 0 {
		s.Rate = float64(s.Done) / secs
	}
	s.ETA = -1
	if s.State == StateRunning && s.Total > 0 && s.Rate > 0 {
		s.ETA = time.Duration(float64(s.Total-s.Done) / s.Rate * float64(time.Second))
	}
	return s
}

// recordSettings lists a run's record as settings: where it came from,
// then the job's own settings, one a line, in key order.
func recordSettings(rec cluster.Run) []Setting {
	out := []Setting{{"submitter", rec.Host + ":" + strconv.Itoa(rec.PID)}}
	if rec.Reason != "" {
		out = append(out, Setting{"note", rec.Reason})
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(rec.Settings, &m) == nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, Setting{k, cut(string(m[k]))})
		}
	}
	return out
}
