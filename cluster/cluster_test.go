package cluster

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Tasks submitted before any worker exists wait in the stream.
func TestTasksWaitForAWorker(t *testing.T) {
	url := startServer(t)
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	double := def("double", func(_ context.Context, n int) (int, error) { return 2 * n, nil })
	fn := remote(t, c, double)

	got := make(chan int, 1)
	go func() {
		n, _ := fn(context.Background(), 21)
		got <- n
	}()
	time.Sleep(100 * time.Millisecond)
	startWorker(t, url, jobs(double), Config{})
	select {
	case n := <-got:
		if n != 42 {
			t.Fatalf("got %d, want 42", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no result 10s after a worker started")
	}
}

// A task whose worker stops mid-run goes to another worker.
func TestTaskMovesToAnotherWorker(t *testing.T) {
	url := startServer(t)
	var runs atomic.Int64
	started := make(chan struct{}, 1)
	slow := def("slow", func(ctx context.Context, n int) (int, error) {
		if runs.Add(1) == 1 {
			started <- struct{}{}
			<-ctx.Done() // the first worker is stopped while it runs this
			return 0, ctx.Err()
		}
		return n + 1, nil
	})
	stopFirst := startWorker(t, url, jobs(slow), Config{})

	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := make(chan int, 1)
	go func() {
		n, _ := remote(t, c, slow)(context.Background(), 1)
		res <- n
	}()
	<-started
	stopFirst()
	startWorker(t, url, jobs(slow), Config{})
	select {
	case n := <-res:
		if n != 2 || runs.Load() != 2 {
			t.Fatalf("got %d after %d runs, want 2 after 2", n, runs.Load())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the task was not run again within 10s")
	}
}

func TestUnknownJob(t *testing.T) {
	url := startServer(t)
	startWorker(t, url, jobs(def("other", nil)), Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = remote(t, c, def("nosuch", nil))(ctx, 1)
	var re *RemoteError
	if !errors.As(err, &re) || re.Msg != `unknown job "nosuch" (this build has: other)` {
		t.Fatalf("err %v, want a RemoteError naming the unknown job", err)
	}
}

// Close removes the run's tasks that no worker took.
func TestClosePurgesPendingTasks(t *testing.T) {
	url := startServer(t)
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	fn := remote(t, c, def("never", nil))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for range 5 {
		go fn(ctx, 1)
	}
	<-ctx.Done()
	time.Sleep(50 * time.Millisecond)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	stream, err := js.Stream(context.Background(), "FANOUT")
	if err != nil {
		t.Fatal(err)
	}
	si, _ := stream.Info(context.Background())
	if si.State.Msgs != 5 {
		t.Fatalf("%d tasks in the stream before Close, want 5", si.State.Msgs)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	si, _ = stream.Info(context.Background())
	if si.State.Msgs != 0 {
		t.Fatalf("%d tasks left after Close, want 0", si.State.Msgs)
	}
}

func TestWaitingCountsListeningWorkers(t *testing.T) {
	url := startServer(t)
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, err := c.Waiting(context.Background()); err != nil || n != 0 {
		t.Fatalf("Waiting = %d, %v with no worker; want 0", n, err)
	}
	startWorker(t, url, jobs(), Config{})
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := c.Waiting(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a started worker never shows as waiting")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// blockUntilStopped is a job that never finishes on its own.
func blockUntilStopped(started chan<- struct{}) *engine.Registry {
	return jobs(def("work", func(ctx context.Context, n int) (int, error) {
		started <- struct{}{}
		<-ctx.Done()
		return 0, ctx.Err()
	}))
}

// Tasks a stopped worker had pulled but not started go back at once, not
// after AckWait.
func TestStoppedWorkerHandsBackUnstartedTasks(t *testing.T) {
	url := startServer(t)
	started := make(chan struct{}, 10)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- (&Worker{Jobs: blockUntilStopped(started), Workers: 1}).Serve(ctx, nc) }()

	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fn := remote(t, c, def("work", nil))
	results := make(chan int, 4)
	for i := range 4 {
		go func() { n, _ := fn(context.Background(), i); results <- n }()
	}
	<-started
	time.Sleep(100 * time.Millisecond) // let the worker pull the others
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	fast := def("work", func(_ context.Context, n int) (int, error) { return n + 100, nil })
	startWorker(t, url, jobs(fast), Config{})
	timeout := time.After(8 * time.Second) // AckWait is 30s
	for range 4 {
		select {
		case n := <-results:
			if n < 100 {
				t.Fatalf("result %d, want one from the second worker", n)
			}
		case <-timeout:
			t.Fatal("tasks of the stopped worker did not reach the next one within 8s")
		}
	}
}

// A task handed out MaxDeliver times without finishing fails the call
// instead of leaving it waiting for ever.
func TestGivenUpTaskFailsTheCall(t *testing.T) {
	url := startServer(t)
	cfg := Config{MaxDeliver: 2}
	c, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	errc := make(chan error, 1)
	fn := remote(t, c, def("work", nil))
	go func() { _, err := fn(context.Background(), 1); errc <- err }()
	started := make(chan struct{}, 1)
	for range 2 {
		stop := startWorker(t, url, blockUntilStopped(started), cfg)
		<-started
		stop()
	}
	// The next worker is not given the task: it was given up.
	startWorker(t, url, jobs(def("work", func(_ context.Context, n int) (int, error) { return n, nil })), cfg)
	select {
	case err := <-errc:
		if !strings.Contains(err.Error(), ErrGivenUp.Error()) {
			t.Fatalf("err %v, want it to say the task was given up", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call still waits 10s after its task was given up")
	}
}

// A broker that takes no task for BrokerTimeout fails every later call at
// once: a run of many items does not wait one timeout each.
func TestRefusedPublishFailsTheRestAtOnce(t *testing.T) {
	url := startServer(t)
	// A task stream made (by hand, before any fanout) to take no message
	// of a task's size: the broker is up but takes no task.
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(context.Background(), jetstream.StreamConfig{Name: "FANOUT", Subjects: []string{"fanout.task.>"}, MaxMsgSize: 1}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{BrokerTimeout: time.Second}
	c, err := Dial(context.Background(), url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fn := remote(t, c, def("work", nil))
	start := time.Now()
	var failed atomic.Int32
	_, err = engine.Run(context.Background(), slices.Values([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
		fn, engine.Options{Workers: 2}, func(r engine.Result[int, int]) bool {
			if errors.Is(r.Err, ErrBrokerLost) {
				failed.Add(1)
			}
			return true
		})
	if err != nil {
		t.Fatal(err)
	}
	if failed.Load() != 12 {
		t.Errorf("%d of 12 calls failed with ErrBrokerLost", failed.Load())
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the calls took %v to fail: one BrokerTimeout each, not one in all", d.Round(time.Millisecond))
	}
}
