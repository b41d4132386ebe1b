package cluster

import (
	"context"
	"testing"
	"time"
)

// A results consumer that stops delivering (as nats.go's ordered consumer
// once did after its server was killed) is started again by the
// watchdog, from the last result received, once the broker is seen to
// hold a result that never came.
func TestStalledResultsAreReadAgain(t *testing.T) {
	url := startServer(t)
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	double := def("double", func(_ context.Context, n int) (int, error) { return 2 * n, nil })
	fn := remote(t, c, double)
	startWorker(t, url, jobs(double), Config{})
	if n, err := fn(context.Background(), 1); err != nil || n != 2 {
		t.Fatalf("first call: %d, %v", n, err)
	}
	c.stopResults() // the consumer goes quiet
	got := make(chan int, 1)
	go func() {
		n, _ := fn(context.Background(), 21)
		got <- n
	}()
	select {
	case n := <-got:
		if n != 42 {
			t.Fatalf("got %d, want 42", n)
		}
	case <-time.After(resultStall + 10*time.Second):
		t.Fatalf("no result %v after the results consumer went quiet", resultStall+10*time.Second)
	}
}
