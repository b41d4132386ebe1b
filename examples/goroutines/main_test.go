package main

import (
	"bytes"
	"testing"

	"go.uber.org/goleak"
)

func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	var b bytes.Buffer
	run(&b)
	want := `sum of 1..1000000 = 500000500000
fib(10) = 55
fib(50) = 12586269025
fib(90) = 2880067194370816120
squares = [1 4 9 16 25 36 49 64 81 100]
`
	if b.String() != want {
		t.Fatalf("output\n%s\nwant\n%s", b.String(), want)
	}
}

func TestPoolRunsTasksConcurrently(t *testing.T) {
	defer goleak.VerifyNone(t)
	pool := NewPool(2)
	release := make(chan struct{})
	// Two tasks that each wait for the other to have started can only
	// finish if the pool runs them at the same time.
	started := make(chan struct{}, 2)
	task := func() int { started <- struct{}{}; <-release; return 1 }
	a, b := Submit(pool, task), Submit(pool, task)
	<-started
	<-started
	close(release)
	if a.Result()+b.Result() != 2 {
		t.Fatal("wrong results")
	}
	pool.Shutdown()
}
