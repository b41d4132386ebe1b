package cluster

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Follower reads one run's tasks and results back from the broker, in the
// run's input order: what fanout wait shows, from any machine, while the
// run goes on and after it has ended (until the retention time). While it
// follows, it tells workers through the run's record that someone waits,
// so a run whose submitter died is finished rather than abandoned.
type Follower struct {
	c   *Client
	run string

	tasks, results jetstream.ConsumeContext
	quit, done     chan struct{}

	mu       sync.Mutex
	changed  chan struct{} // closed and made anew at every change
	record   Run
	byIndex  map[int]FollowedTask
	arrived  int // tasks seen
	maxIndex int // the highest index among them
	inQueue  int // the run's tasks the stream held when last looked at
	got      map[string]followed
}

// FollowedTask is one task of a followed run: its place in the run's
// input and its encoded input.
type FollowedTask struct {
	Index int
	Input []byte
	seq   string
	token string
}

type followed struct {
	data  []byte
	hdr   nats.Header
	parts [][]byte
	have  int
	whole bool
}

// Follow starts following run id. It fails with ErrNoRun for a run the
// broker does not know (never started, or past the retention time).
func (c *Client) Follow(ctx context.Context, id string) (*Follower, error) {
	r, _, err := getRun(ctx, c.kv, id)
	if err != nil {
		return nil, err
	}
	f := &Follower{c: c, run: id, record: r, changed: make(chan struct{}), byIndex: map[int]FollowedTask{}, got: map[string]followed{},
		quit: make(chan struct{}), done: make(chan struct{})}
	tc, err := c.js.OrderedConsumer(ctx, c.cfg.Stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{c.cfg.taskSubject("*", id)}})
	if err == nil {
		f.tasks, err = tc.Consume(f.task)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: read the tasks of run %s: %w", id, err)
	}
	rc, err := c.js.OrderedConsumer(ctx, c.cfg.ResultStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{c.cfg.resultSubject(id, ">")}})
	if err == nil {
		f.results, err = rc.Consume(f.result)
	}
	if err != nil {
		f.tasks.Stop()
		return nil, fmt.Errorf("cluster: read the results of run %s: %w", id, err)
	}
	f.look(ctx)
	go f.beat()
	return f, nil
}

// Record is the run's record, as last read.
func (f *Follower) Record() Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.record
}

// Close stops following.
func (f *Follower) Close() {
	close(f.quit)
	<-f.done
	f.tasks.Stop()
	f.results.Stop()
}

func (f *Follower) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Follower) task(m jetstream.Msg) {
	h := m.Headers()
	t := FollowedTask{Index: -1, Input: m.Data(), token: h.Get(hdrToken)}
	if reply := h.Get(hdrReply); strings.HasPrefix(reply, f.c.cfg.resultSubject(f.run, "")) {
		t.seq = reply[len(f.c.cfg.resultSubject(f.run, "")):]
	}
	if i, err := strconv.Atoi(h.Get(hdrIndex)); err == nil && i >= 0 {
		t.Index = i
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.Index < 0 {
		t.Index = f.arrived // from a submitter that sends no index
	}
	if _, dup := f.byIndex[t.Index]; !dup {
		f.byIndex[t.Index] = t
		f.arrived++
		f.maxIndex = max(f.maxIndex, t.Index)
	}
	f.notify()
}

func (f *Follower) result(m jetstream.Msg) {
	seq := m.Subject()[len(f.c.cfg.resultSubject(f.run, "")):]
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.got[seq]
	if r.whole {
		return
	}
	r.hdr = m.Headers()
	if p := r.hdr.Get(hdrPart); p != "" {
		i, n, ok := parsePart(p)
		if !ok {
			return
		}
		if len(r.parts) != n {
			r.parts, r.have = make([][]byte, n), 0
		}
		if r.parts[i] == nil {
			r.parts[i] = m.Data()
			r.have++
		}
		if r.have == n {
			r.data, r.parts, r.whole = joinParts(r.parts), nil, true
		}
	} else {
		r.data, r.whole = m.Data(), true
	}
	f.got[seq] = r
	if r.whole {
		f.notify()
	}
}

// look rereads the record and counts the run's tasks in the stream.
func (f *Follower) look(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r, _, rerr := getRun(ctx, f.c.kv, f.run)
	n := -1
	if s, err := f.c.js.Stream(ctx, f.c.cfg.Stream); err == nil {
		if info, err := s.Info(ctx, jetstream.WithSubjectFilter(f.c.cfg.taskSubject("*", f.run))); err == nil {
			n = 0
			for _, c := range info.State.Subjects {
				n += int(c)
			}
		}
	}
	f.mu.Lock()
	if rerr == nil {
		f.record = r
	}
	if n >= 0 {
		f.inQueue = n
	}
	f.notify()
	f.mu.Unlock()
}

// beat marks the record as waited on, and rereads it, until Close.
func (f *Follower) beat() {
	defer close(f.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := time.Time{}
	for {
		select {
		case <-f.quit:
			return
		case <-t.C:
		}
		if time.Since(last) >= f.c.cfg.Heartbeat {
			last = time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, _ = updateRun(ctx, f.c.kv, f.run, func(r *Run) bool {
				if r.ended() {
					return false
				}
				r.Waited = time.Now().UTC()
				return true
			})
			cancel()
		}
		f.look(context.Background())
	}
}

// inputOver says whether no more tasks will come: every task the stream
// holds was read, and the submitter has ended or gone silent.
func (f *Follower) inputOver() bool {
	if f.arrived < f.inQueue {
		return false
	}
	r := f.record
	return r.ended() || time.Since(r.Updated) > 3*f.c.cfg.Heartbeat
}

// Task returns the run's task at index i, waiting for it while the run's
// input may still bring it; false means there is none: the input ended
// before i, or i is a gap (an item that failed before it was sent, such as
// a bad line) that later tasks have passed for a while.
func (f *Follower) Task(ctx context.Context, i int) (FollowedTask, bool, error) {
	var passed time.Time // when a later task was first seen
	for {
		f.mu.Lock()
		t, ok := f.byIndex[i]
		over := f.inputOver()
		later := f.arrived > 0 && f.maxIndex > i
		changed := f.changed
		f.mu.Unlock()
		switch {
		case ok:
			return t, true, nil
		case later && passed.IsZero():
			passed = time.Now()
		case later && time.Since(passed) > gapWait:
			return FollowedTask{}, false, nil
		case over:
			return FollowedTask{}, false, nil
		}
		select {
		case <-ctx.Done():
			return FollowedTask{}, false, ctx.Err()
		case <-changed:
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// gapWait is how long a missing task may lag behind later ones before it
// is taken for an item that was never sent.
const gapWait = 2 * time.Second

// Last is the highest index of a task seen, or -1.
func (f *Follower) Last() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.arrived == 0 {
		return -1
	}
	return f.maxIndex
}

// ErrNoResult is the error of a followed task that has no result and will
// get none: its run was cancelled, abandoned or stopped first.
var ErrNoResult = errors.New("cluster: no result")

// Result waits for the result of task t of job and decodes it, as Remote
// would have; a result whose token is not its task's is not taken.
func Result[Out any](ctx context.Context, f *Follower, job string, t FollowedTask) (Out, error) {
	var zero Out
	since := time.Now()
	for {
		f.mu.Lock()
		r := f.got[t.seq]
		rec := f.record
		changed := f.changed
		f.mu.Unlock()
		if r.whole && hmac.Equal([]byte(r.hdr.Get(hdrToken)), []byte(t.token)) {
			return decodeResult[Out](job, r.data, r.hdr)
		}
		// An ended run gets no more results; wait a moment for those on
		// their way.
		if rec.ended() && time.Since(since) > 2*time.Second {
			if rec.State == StateFinished {
				return zero, fmt.Errorf("%w: it is no longer kept", ErrNoResult)
			}
			return zero, fmt.Errorf("%w: the run was %s first", ErrNoResult, rec.State)
		}
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-changed:
		case <-time.After(time.Second):
		}
	}
}

// Replay returns a followed run of job as a job of its own: its inputs in
// input order, past gaps (items never sent), until the run's input ends,
// and the function that waits for each one's result. Run them on the
// engine with Options.Indexed (the returned Job asks for it); *error is,
// once the inputs end, the error that ended them early, if any.
func Replay[In, Out any](ctx context.Context, f *Follower, job string) (iter.Seq[In], engine.Job[In, Out], *error) {
	var (
		failed error
		mu     sync.Mutex
		byPos  = map[int]FollowedTask{}
	)
	inputs := func(yield func(In) bool) {
		pos := 0
		for i := 0; ; i++ {
			t, ok, err := f.Task(ctx, i)
			if err != nil {
				failed = err
				return
			}
			if !ok {
				if i < f.Last() {
					continue // a gap
				}
				return
			}
			var in In
			if err := engine.Decode(t.Input, &in); err != nil {
				failed = fmt.Errorf("cluster: task %d of run %s: %w", i, f.run, err)
				return
			}
			mu.Lock()
			byPos[pos] = t
			mu.Unlock()
			f.taken(i)
			pos++
			if !yield(in) {
				return
			}
		}
	}
	run := func(ctx context.Context, _ In) (Out, error) {
		pos, _ := engine.IndexOf(ctx)
		mu.Lock()
		t, ok := byPos[pos]
		mu.Unlock()
		if !ok {
			var zero Out
			return zero, fmt.Errorf("cluster: replay of run %s: no task at %d", f.run, pos)
		}
		out, err := Result[Out](ctx, f, job, t)
		if ctx.Err() == nil { // done with it: hold no more than the items in flight
			mu.Lock()
			delete(byPos, pos)
			mu.Unlock()
			f.drop(t)
		}
		return out, err
	}
	return inputs, engine.Job[In, Out]{Name: job, Run: run, Workers: 256, Indexed: true}, &failed
}

// taken forgets the task at index i, which the replay now holds.
func (f *Follower) taken(i int) {
	f.mu.Lock()
	delete(f.byIndex, i)
	f.mu.Unlock()
}

// drop forgets the result of t, delivered.
func (f *Follower) drop(t FollowedTask) {
	f.mu.Lock()
	delete(f.got, t.seq)
	f.mu.Unlock()
}

// Sent is how many tasks of the run the follower has seen.
func (f *Follower) Sent() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.arrived
}
