package cluster

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// hdrWorker, on a result, names the worker that answered: host:pid.
const hdrWorker = "Fanout-Worker"

// workerName is this process's name as a worker: host:pid.
var workerName = func() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}()

// seqIndex maps a run's task numbers to their sequences in the task
// stream. A submitter numbers its tasks 1, 2, 3, ... and publishes them in
// that order, so the map is a few ranges: one while the run is the only
// one sending, one more each time another run's task comes in between.
type seqIndex struct {
	ranges []seqRange
}

type seqRange struct {
	seq, stream uint64 // the first task number and its stream sequence
	n           uint64 // how many follow on both sides
}

// add records that task seq is at stream sequence stream.
func (x *seqIndex) add(seq, stream uint64) {
	if k := len(x.ranges); k > 0 {
		last := &x.ranges[k-1]
		if seq == last.seq+last.n && stream == last.stream+last.n {
			last.n++
			return
		}
	}
	x.ranges = append(x.ranges, seqRange{seq: seq, stream: stream, n: 1})
}

// find returns the stream sequence of task seq, or 0.
func (x *seqIndex) find(seq uint64) uint64 {
	// Ranges come in the order tasks were numbered, mostly: search from
	// the end, where the newest results point.
	for i := len(x.ranges) - 1; i >= 0; i-- {
		r := x.ranges[i]
		if seq >= r.seq && seq < r.seq+r.n {
			return r.stream + (seq - r.seq)
		}
	}
	return 0
}

// parseSeq reads a task number as a Client writes it, in base 36.
func parseSeq(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 36, 64)
	return n, err == nil
}

// seqNumber reads the task number at the end of a reply subject that
// starts with prefix.
func seqNumber(reply, prefix string) (uint64, bool) {
	s, ok := strings.CutPrefix(reply, prefix)
	if !ok {
		return 0, false
	}
	return parseSeq(s)
}

// splitResult reads "<prefix>.result.<run>.<seq>".
func splitResult(subject string, cfg Config) (run, seq string, ok bool) {
	rest, ok := strings.CutPrefix(subject, cfg.Subject+".result.")
	if !ok {
		return "", "", false
	}
	run, seq, ok = strings.Cut(rest, ".")
	return run, seq, ok && run != "" && seq != ""
}

// TaskInput returns the input and headers of the task at stream sequence
// seq, as its submitter sent it.
func (m *Monitor) TaskInput(ctx context.Context, seq uint64) ([]byte, map[string][]string, error) {
	s, err := m.js.Stream(ctx, m.cfg.Stream)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: task %d: %w", seq, err)
	}
	msg, err := s.GetMsg(ctx, seq)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: task %d: %w", seq, err)
	}
	return msg.Data, msg.Header, nil
}

// QueueStats is the state of the work queue as JetStream counts it.
type QueueStats struct {
	Pending     uint64 // tasks no worker has taken yet
	InFlight    int    // tasks handed out and not acknowledged
	Redelivered int    // of those, handed out more than once
	Waiting     int    // open pull requests: free worker slots
	GivenUp     int64  // tasks given up (handed out MaxDeliver times) since the monitor started
	Tasks       uint64 // tasks the task stream holds, done ones included
	TaskBytes   uint64
	Results     uint64 // results the result stream holds
	AckFloor    uint64 // stream sequence below which every task is done
	MaxDeliver  int
}

// Queue returns the queue's state from the consumer's and the streams'
// own numbers.
func (m *Monitor) Queue(ctx context.Context) (QueueStats, error) {
	q := QueueStats{GivenUp: m.givenUp.Load(), MaxDeliver: m.cfg.MaxDeliver}
	cons, err := m.js.Consumer(ctx, m.cfg.Stream, m.cfg.Consumer)
	if err != nil {
		return q, fmt.Errorf("cluster: consumer %s: %w", m.cfg.Consumer, err)
	}
	ci, err := cons.Info(ctx)
	if err != nil {
		return q, fmt.Errorf("cluster: consumer %s: %w", m.cfg.Consumer, err)
	}
	q.Pending, q.InFlight, q.Redelivered, q.Waiting = ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.NumWaiting
	q.AckFloor = ci.AckFloor.Stream
	if ci.Config.MaxDeliver > 0 {
		q.MaxDeliver = ci.Config.MaxDeliver
	}
	for _, name := range []string{m.cfg.Stream, m.cfg.ResultStream} {
		s, err := m.js.Stream(ctx, name)
		if err != nil {
			return q, fmt.Errorf("cluster: stream %s: %w", name, err)
		}
		si, err := s.Info(ctx)
		if err != nil {
			return q, fmt.Errorf("cluster: stream %s: %w", name, err)
		}
		if name == m.cfg.Stream {
			q.Tasks, q.TaskBytes = si.State.Msgs, si.State.Bytes
		} else {
			q.Results = si.State.Msgs
		}
	}
	return q, nil
}
