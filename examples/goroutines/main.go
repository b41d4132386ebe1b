// Command goroutines shows the three ways the notes start concurrent work,
// in Go:
//
//  1. a function with arguments, started with the go statement (the notes'
//     Thread(target=f, args=...));
//  2. a type whose Run method does the work (the notes' Thread subclass
//     overriding run);
//  3. a pool whose Submit returns a future to wait on for the result (the
//     notes' ThreadPoolExecutor.submit and Future.result).
//
// Each computes something checkable: the sum of 1..n in two halves, the
// Fibonacci number of a worker, and the squares of 1..10 from a pool.
package main

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// sumRange adds lo..hi into *out: a function with arguments.
func sumRange(lo, hi int, out *int, wg *sync.WaitGroup) {
	defer wg.Done()
	s := 0
	for i := lo; i <= hi; i++ {
		s += i
	}
	*out = s
}

// Fib computes the N-th Fibonacci number when its Run method is called.
type Fib struct {
	N      int
	Result int
}

// Run does the work: a type with a Run method.
func (f *Fib) Run() {
	a, b := 0, 1
	for range f.N {
		a, b = b, a+b
	}
	f.Result = a
}

// Future is the result of a task submitted to a Pool.
type Future[T any] struct {
	done chan struct{}
	v    T
}

// Result waits for the task and returns its value.
func (f *Future[T]) Result() T { <-f.done; return f.v }

// Pool runs submitted tasks on a fixed number of goroutines.
type Pool struct {
	tasks chan func()
	wg    sync.WaitGroup
}

// NewPool starts n worker goroutines. Shutdown stops them.
func NewPool(n int) *Pool {
	p := &Pool{tasks: make(chan func())}
	for range n {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for task := range p.tasks {
				task()
			}
		}()
	}
	return p
}

// Submit queues fn on p and returns a Future for its value.
func Submit[T any](p *Pool, fn func() T) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	p.tasks <- func() { f.v = fn(); close(f.done) }
	return f
}

// Shutdown waits for the submitted tasks and stops the workers.
func (p *Pool) Shutdown() { close(p.tasks); p.wg.Wait() }

func run(w io.Writer) {
	// 1. A function with arguments.
	var lo, hi int
	var wg sync.WaitGroup
	wg.Add(2)
	go sumRange(1, 500_000, &lo, &wg)
	go sumRange(500_001, 1_000_000, &hi, &wg)
	wg.Wait()
	fmt.Fprintf(w, "sum of 1..1000000 = %d\n", lo+hi)

	// 2. A type with a Run method.
	fibs := []*Fib{{N: 10}, {N: 50}, {N: 90}}
	for _, f := range fibs {
		wg.Add(1)
		go func() { defer wg.Done(); f.Run() }()
	}
	wg.Wait()
	for _, f := range fibs {
		fmt.Fprintf(w, "fib(%d) = %d\n", f.N, f.Result)
	}

	// 3. A pool whose Submit returns a future.
	pool := NewPool(4)
	var futures []*Future[int]
	for i := 1; i <= 10; i++ {
		futures = append(futures, Submit(pool, func() int { return i * i }))
	}
	squares := make([]int, 0, len(futures))
	for _, f := range futures {
		squares = append(squares, f.Result())
	}
	pool.Shutdown()
	fmt.Fprintf(w, "squares = %v\n", squares)
}

func main() { run(os.Stdout) }
