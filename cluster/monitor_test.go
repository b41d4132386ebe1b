package cluster

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// A Monitor sees every result, names the failed tasks, lists the workers
// that report themselves, counts the queue, and retries a run's failed
// tasks as a new run that it finishes itself.
func TestMonitor(t *testing.T) {
	url := startServer(t)
	cfg := Config{Heartbeat: 100 * time.Millisecond}
	var flaky sync.Mutex
	healed := false
	square := def("square", func(_ context.Context, n int) (int, error) {
		flaky.Lock()
		defer flaky.Unlock()
		if n < 0 && !healed {
			return 0, errors.New("negative")
		}
		return n * n, nil
	})
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx := context.Background()
	p, err := StartPresence(ctx, nc, cfg, "test", []string{"square"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	startWorker(t, url, p.Wrap(jobs(square)), cfg)

	var mu sync.Mutex
	var outs []Outcome
	m, err := NewMonitor(ctx, nc, MonitorConfig{Config: cfg, OnOutcome: func(o Outcome) {
		mu.Lock()
		outs = append(outs, o)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	c, err := Dial(ctx, url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fn := remote(t, c, def("square", nil))
	for _, n := range []int{1, 2, -3, 4, -5} {
		fn(ctx, n)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(outs)
		mu.Unlock()
		if n == 5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	var failed []Outcome
	for _, o := range outs {
		if o.Err != "" {
			failed = append(failed, o)
		}
	}
	mu.Unlock()
	if len(failed) != 2 || failed[0].Task == 0 || failed[0].Job != "square" || failed[0].Worker != workerName || failed[0].Err != "negative" {
		t.Fatalf("failures %+v", failed)
	}
	in, _, err := m.TaskInput(ctx, failed[0].Task)
	if err != nil || (string(in) != "-3" && string(in) != "-5") {
		t.Errorf("input of the first failure %q, %v", in, err)
	}
	if got := m.Counts(c.Run()); got != (RunCounts{Tasks: 5, OK: 3, Failed: 2}) {
		t.Errorf("counts %+v", got)
	}
	q, err := m.Queue(ctx)
	for i := 0; i < 50 && err == nil && q.InFlight > 0; i++ { // the last ack on its way
		time.Sleep(20 * time.Millisecond)
		q, err = m.Queue(ctx)
	}
	if err != nil || q.Pending != 0 || q.InFlight != 0 || q.Tasks != 5 || q.Results != 5 {
		t.Errorf("queue %+v, %v", q, err)
	}
	time.Sleep(250 * time.Millisecond) // a heartbeat of the worker's
	ws, err := m.Workers(ctx)
	if err != nil || len(ws) != 1 || ws[0].ID != workerName || ws[0].Slots != 3 || ws[0].Done != 5 || ws[0].Failed != 2 || ws[0].Gone {
		t.Errorf("workers %+v, %v", ws, err)
	}

	flaky.Lock()
	healed = true
	flaky.Unlock()
	id, n, err := m.Retry(ctx, c.Run())
	if err != nil || n != 2 {
		t.Fatalf("retry: %s, %d, %v", id, n, err)
	}
	deadline = time.Now().Add(5 * time.Second)
	var r Run
	for time.Now().Before(deadline) {
		if r, err = m.Run(ctx, id); err == nil && r.State == StateFinished {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r.State != StateFinished || r.Done != 2 || r.Failed != 0 || r.Job != "square" {
		t.Errorf("retry run %+v", r)
	}
	if _, _, err := m.Retry(ctx, id); !errors.Is(err, ErrNothingToRetry) {
		t.Errorf("retry of a run without failures: %v", err)
	}
	p.Stop()
	ws, _ = m.Workers(ctx)
	if len(ws) != 1 || !ws[0].Gone {
		t.Errorf("after Stop: %+v", ws)
	}
}
