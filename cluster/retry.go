package cluster

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// ErrNothingToRetry is the error of Retry for a run without failed tasks
// that can be sent again.
var ErrNothingToRetry = errors.New("cluster: no failed tasks to retry")

// ownedRun is a run a Monitor submitted (a retry): the monitor is its
// submitter, keeping its record's heartbeat and counts from the results it
// sees, until every task is answered.
type ownedRun struct {
	id    string
	total int64
}

// Retry submits, as a new run, the tasks of run id that failed (up to the
// first 100,000 of them), read back from the task stream, with the same
// job, settings and version: workers run them as they ran the first ones.
// It returns the new run's id and how many tasks it sent. Tasks that are
// no longer in the stream (past the retention time, or purged with their
// interrupted run) cannot be sent; when none can, the error is
// ErrNothingToRetry. Items that failed inside a task that succeeded (a bad
// line of primes) are not retried: the same input fails the same way.
//
// The monitor is the new run's submitter: its results are kept in the
// result stream (fanout wait shows them) and the run finishes when all
// are in. If the monitor stops first, workers abandon the run after
// Config.AbandonAfter.
func (m *Monitor) Retry(ctx context.Context, id string) (string, int, error) {
	old, err := m.Run(ctx, id)
	if err != nil {
		return "", 0, err
	}
	m.mu.Lock()
	var seqs []uint64
	if w := m.runs[id]; w != nil {
		seqs = append(seqs, w.failSeq...)
	}
	m.mu.Unlock()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", 0, fmt.Errorf("cluster: run key: %w", err)
	}
	run := nuid.Next()
	host, _ := os.Hostname()
	now := time.Now().UTC()
	rec := Run{ID: run, Job: old.Job, Settings: old.Settings, Display: old.Display, Host: host, PID: os.Getpid(),
		Created: now, Updated: now, State: StateRunning, Reason: "retry of " + id}
	kv, err := m.runBucket(ctx)
	if err != nil {
		return "", 0, err
	}
	created := false
	sent := 0
	for _, seq := range seqs {
		in, hdr, err := m.TaskInput(ctx, seq)
		if err != nil {
			continue // gone from the stream
		}
		if !created {
			b, _ := json.Marshal(rec)
			if _, err := kv.Create(ctx, run, b); err != nil {
				return "", 0, fmt.Errorf("cluster: retry run %s: %w", id, err)
			}
			created = true
		}
		h := nats.Header(hdr)
		n := strconv.FormatUint(uint64(sent+1), 36)
		msg := nats.NewMsg(m.cfg.taskSubject(old.Job, run))
		msg.Header.Set(hdrReply, m.cfg.resultSubject(run, n))
		msg.Header.Set(hdrVersion, h.Get(hdrVersion))
		msg.Header.Set(hdrSettings, h.Get(hdrSettings))
		msg.Header.Set(hdrToken, taskToken(key, run, n))
		msg.Header.Set(hdrIndex, strconv.Itoa(sent))
		msg.Data = in
		if _, err := m.js.PublishMsg(ctx, msg, jetstream.WithMsgID(run+"."+n)); err != nil {
			m.own(run, int64(sent))
			return run, sent, fmt.Errorf("cluster: retry run %s: publish: %w", id, err)
		}
		sent++
	}
	if sent == 0 {
		return "", 0, fmt.Errorf("%w: run %s (%d failed tasks remembered, none left in the task stream)", ErrNothingToRetry, id, len(seqs))
	}
	m.own(run, int64(sent))
	m.beatOwned()
	return run, sent, nil
}

// own makes the monitor the submitter of run, which has total tasks.
func (m *Monitor) own(run string, total int64) {
	m.mu.Lock()
	m.owned[run] = &ownedRun{id: run, total: total}
	m.mu.Unlock()
}

// beatOwned writes the records of the runs the monitor submitted: their
// counts, and finished once every task is answered.
func (m *Monitor) beatOwned() {
	m.mu.Lock()
	type beat struct {
		id            string
		total, ok, ko int64
	}
	var beats []beat
	for id, o := range m.owned {
		b := beat{id: id, total: o.total}
		if w := m.runs[id]; w != nil {
			b.ok, b.ko = w.ok, w.failed
		}
		beats = append(beats, b)
	}
	m.mu.Unlock()
	if len(beats) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	kv, err := m.runBucket(ctx)
	if err != nil {
		return
	}
	for _, b := range beats {
		r, err := updateRun(ctx, kv, b.id, func(r *Run) bool {
			if r.ended() {
				return false
			}
			r.Updated = time.Now().UTC()
			r.Total, r.Done, r.Failed = b.total, b.ok, b.ko
			if r.Pending() == 0 && r.Total > 0 {
				r.State = StateFinished
			}
			return true
		})
		if err != nil || r.ended() {
			m.mu.Lock()
			delete(m.owned, b.id)
			m.mu.Unlock()
		}
	}
}
