package cluster

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A run's record says what runs, from where, how far it is, and how it
// ended.
func TestRunRecord(t *testing.T) {
	url := startServer(t)
	cfg := Config{Heartbeat: 100 * time.Millisecond}
	startWorker(t, url, jobs(def("square", func(_ context.Context, n int) (int, error) {
		if n < 0 {
			return 0, errors.New("negative")
		}
		return n * n, nil
	})), cfg)
	c, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fn := remote(t, c, def("square", nil))
	for _, n := range []int{1, 2, -3} {
		fn(context.Background(), n)
	}
	time.Sleep(300 * time.Millisecond) // a heartbeat or two
	other, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	runs, err := other.Runs(context.Background())
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %+v, %v; want one", runs, err)
	}
	r := runs[0]
	host, _ := os.Hostname()
	if r.ID != c.Run() || r.Job != "square" || r.State != StateRunning || r.Host != host || r.PID != os.Getpid() ||
		r.Total != 3 || r.Done != 2 || r.Failed != 1 || time.Since(r.Created) > time.Minute || time.Since(r.Updated) > time.Second {
		t.Errorf("while it runs: %+v", r)
	}
	c.Close()
	runs, _ = other.Runs(context.Background())
	if len(runs) != 1 || runs[0].State != StateFinished || runs[0].Pending() != 0 {
		t.Errorf("after Close: %+v, want finished", runs)
	}
}

// fanout cancel: the queued tasks are withdrawn, the running ones stop at
// their worker's next heartbeat, and the submitter's waiting calls fail
// with ErrRunCancelled.
func TestCancelRun(t *testing.T) {
	url := startServer(t)
	cfg := Config{Heartbeat: 100 * time.Millisecond, AckWait: 600 * time.Millisecond}
	var stopped atomic.Int32
	started := make(chan struct{}, 10)
	startWorker(t, url, jobs(def("work", func(ctx context.Context, n int) (int, error) {
		started <- struct{}{}
		<-ctx.Done()
		stopped.Add(1)
		return 0, ctx.Err()
	})), cfg) // 3 slots
	c, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fn := remote(t, c, def("work", nil))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() { _, err := fn(context.Background(), i); errs <- err })
	}
	for range 3 {
		<-started
	}
	time.Sleep(200 * time.Millisecond) // the other 5 are queued
	other, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r, withdrawn, err := other.Cancel(context.Background(), c.Run(), "by the test")
	if err != nil || r.State != StateCancelled || withdrawn != 8 {
		t.Fatalf("cancel: %+v, %d withdrawn, %v; want cancelled, 8 (5 queued, 3 running)", r, withdrawn, err)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("calls still wait 5s after the run was cancelled")
	}
	close(errs)
	for err := range errs {
		if !errors.Is(err, ErrRunCancelled) {
			t.Errorf("call: %v, want ErrRunCancelled", err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for stopped.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := stopped.Load(); n != 3 {
		t.Errorf("%d of the 3 running tasks stopped", n)
	}
	if _, _, err := other.Cancel(context.Background(), "nosuchrun", ""); !errors.Is(err, ErrNoRun) {
		t.Errorf("cancel of an unknown run: %v, want ErrNoRun", err)
	}
}

// A run whose submitter went silent (killed) is abandoned by the first
// worker that sees it: its tasks are withdrawn, not run for nobody.
func TestAbandonedRun(t *testing.T) {
	url := startServer(t)
	cfg := Config{Heartbeat: 100 * time.Millisecond, AbandonAfter: 500 * time.Millisecond}
	c, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fn := remote(t, c, def("work", nil))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { fn(ctx, i) })
	}
	time.Sleep(300 * time.Millisecond)
	cancel()
	wg.Wait()
	c.rec.quit <- struct{}{} // the submitter dies: no more heartbeats, no Close
	time.Sleep(cfg.AbandonAfter)

	var ran atomic.Int32
	startWorker(t, url, jobs(def("work", func(_ context.Context, n int) (int, error) { ran.Add(1); return n, nil })), cfg)
	other, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	deadline := time.Now().Add(5 * time.Second)
	var runs []Run
	for time.Now().Before(deadline) {
		runs, _ = other.Runs(context.Background())
		if i := slices.IndexFunc(runs, func(r Run) bool { return r.ID == c.Run() }); i >= 0 && runs[i].State == StateAbandoned {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	i := slices.IndexFunc(runs, func(r Run) bool { return r.ID == c.Run() })
	if i < 0 || runs[i].State != StateAbandoned || runs[i].Reason == "" {
		t.Fatalf("runs %+v: want run %s abandoned, with the reason", runs, c.Run())
	}
	time.Sleep(200 * time.Millisecond)
	if n := ran.Load(); n > 1 {
		t.Errorf("%d tasks of the abandoned run ran, want at most the one that found it out", n)
	}
	q, _ := other.Queue(context.Background())
	if q.Queued != 0 {
		t.Errorf("%d tasks still queued", q.Queued)
	}
}
