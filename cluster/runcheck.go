package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrDropped is the outcome, for Worker.OnTask, of a task whose run was
// cancelled, abandoned or had ended: the worker drops it (or stops it, if
// it was running), since nobody will read its result.
var ErrDropped = errors.New("cluster: task dropped")

// runStates is a worker's view of the runs whose tasks it takes, read from
// their records at most every runCheckEvery. It is also where a worker
// finds a run abandoned and cancels it.
type runStates struct {
	js  jetstream.JetStream
	cfg Config

	mu sync.Mutex
	kv jetstream.KeyValue
	m  map[string]runState
}

type runState struct {
	at    time.Time
	ended string // why the run is over, or ""
}

const runCheckEvery = 2 * time.Second

// runOf returns the run id of a task subject "<prefix>.task.<job>.<run>".
func runOf(subject string) string {
	return subject[strings.LastIndexByte(subject, '.')+1:]
}

// over says why run is over, or "" while it goes on (or has no record: a
// submitter of an older fanout, or a bucket this worker cannot read).
func (rs *runStates) over(ctx context.Context, run string) string {
	rs.mu.Lock()
	st, ok := rs.m[run]
	rs.mu.Unlock()
	if ok && time.Since(st.at) < runCheckEvery {
		return st.ended
	}
	ended := rs.check(ctx, run)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.m == nil || len(rs.m) > 4096 {
		rs.m = map[string]runState{}
	}
	rs.m[run] = runState{at: time.Now(), ended: ended}
	return ended
}

func (rs *runStates) check(ctx context.Context, run string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rs.mu.Lock()
	kv := rs.kv
	rs.mu.Unlock()
	if kv == nil {
		var err error
		if kv, err = rs.js.KeyValue(ctx, rs.cfg.RunBucket); err != nil {
			return ""
		}
		rs.mu.Lock()
		rs.kv = kv
		rs.mu.Unlock()
	}
	r, _, err := getRun(ctx, kv, run)
	if err != nil {
		return ""
	}
	silent := func(r Run) bool {
		return time.Since(r.Updated) > rs.cfg.AbandonAfter && time.Since(r.Waited) > rs.cfg.AbandonAfter
	}
	if r.State == StateRunning && silent(r) {
		r, err = updateRun(ctx, kv, run, func(r *Run) bool {
			if r.ended() || !silent(*r) {
				return false
			}
			r.State = StateAbandoned
			r.Reason = fmt.Sprintf("its submitter (%s, pid %d) was silent for more than %v, and no fanout wait was attached", r.Host, r.PID, rs.cfg.AbandonAfter)
			return true
		})
		if err != nil {
			return ""
		}
		if r.State == StateAbandoned {
			_, _ = withdraw(ctx, rs.js, rs.cfg, run)
		}
	}
	if r.ended() {
		if r.Reason != "" {
			return r.State + ": " + r.Reason
		}
		return r.State
	}
	return ""
}
