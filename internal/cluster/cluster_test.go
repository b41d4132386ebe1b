package cluster

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/engine"
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
	double := engine.Job[int, int]{Name: "double", Run: func(_ context.Context, n int) (int, error) { return 2 * n, nil }}
	fn := Remote[int, int](c, double.Name)

	got := make(chan int, 1)
	go func() {
		n, _ := fn(context.Background(), 21)
		got <- n
	}()
	time.Sleep(100 * time.Millisecond)
	startWorker(t, url, map[string]engine.RawFunc{"double": double.Raw()}, Config{})
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
	slow := engine.Job[int, int]{Name: "slow", Run: func(ctx context.Context, n int) (int, error) {
		if runs.Add(1) == 1 {
			started <- struct{}{}
			<-ctx.Done() // the first worker is stopped while it runs this
			return 0, ctx.Err()
		}
		return n + 1, nil
	}}
	jobs := map[string]engine.RawFunc{"slow": slow.Raw()}
	stopFirst := startWorker(t, url, jobs, Config{})

	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := make(chan int, 1)
	go func() {
		n, _ := Remote[int, int](c, "slow")(context.Background(), 1)
		res <- n
	}()
	<-started
	stopFirst()
	startWorker(t, url, jobs, Config{})
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
	startWorker(t, url, map[string]engine.RawFunc{}, Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Remote[int, int](c, "nosuch")(ctx, 1)
	var re *RemoteError
	if !errors.As(err, &re) || re.Msg != `cluster: unknown job "nosuch"` {
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
	fn := Remote[int, int](c, "never")
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
	startWorker(t, url, map[string]engine.RawFunc{}, Config{})
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
