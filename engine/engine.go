package engine

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"
)

// Func is the work done for one input.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Result is the outcome of one input.
type Result[In, Out any] struct {
	Index    int   // position of the input in the sequence, from 0
	In       In    // the input
	Out      Out   // the output; meaningful only when Err is nil
	Err      error // the item's own error, if it failed
	Attempts int   // how many times the function ran (0 if never started)
	// Canceled says that the item did not finish because the run was
	// cancelled (by the context, the sink or HaltOnError): Err is then the
	// cancellation, not a failure of the item.
	Canceled bool
}

// Summary counts what a run did.
type Summary struct {
	Inputs   int           // items taken from the input
	OK       int           // items that succeeded
	Failed   int           // items that failed with their own error
	Canceled int           // items cancelled or never started
	Elapsed  time.Duration // wall time of the run
}

// errStopped is the cancellation cause when the consumer stopped early.
var errStopped = errors.New("engine: consumer stopped")

// Run calls fn for every value of in, with at most Options.Workers calls at
// once, and passes each Result to sink from the calling goroutine (so sink
// needs no locking). If sink returns false, Run stops feeding input,
// cancels the items in flight, waits for them, and returns.
//
// Run returns only after every goroutine it started has finished. Its error
// is nil when the run went through, even if items failed (Summary.Failed
// counts them); ErrNoInput when in yielded nothing; an error wrapping
// ErrHalted and the first item error when Options.HaltOnError stopped it;
// or the cause of ctx's cancellation.
func Run[In, Out any](ctx context.Context, in iter.Seq[In], fn Func[In, Out], o Options, sink func(Result[In, Out]) bool) (Summary, error) {
	start := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	workers := o.workers()
	window := o.window(workers)

	type task struct {
		idx int
		in  In
	}
	tasks := make(chan task, workers)
	results := make(chan Result[In, Out], workers)
	var tokens chan struct{}
	if o.Ordered {
		tokens = make(chan struct{}, window)
	}

	var fed int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // feeder: the only reader of in
		defer wg.Done()
		defer close(tasks)
		done := ctx.Done()
		for v := range in {
			if tokens != nil {
				select {
				case tokens <- struct{}{}:
				case <-done:
					return
				}
			}
			select {
			case tasks <- task{fed, v}:
				fed++
			case <-done:
				return
			}
		}
	}()

	var workersWG sync.WaitGroup
	for range workers {
		workersWG.Add(1)
		go func() {
			defer workersWG.Done()
			for t := range tasks {
				results <- attempt(ctx, fn, &o, t.idx, t.in)
			}
		}()
	}
	go func() { // closes results once no worker can send
		workersWG.Wait()
		close(results)
	}()

	// If sink panics (or the body of a loop over Map does), stop the run
	// and let every goroutine end before the panic goes on.
	finished := false
	defer func() {
		if !finished {
			cancel(errStopped)
			for range results {
			}
			wg.Wait()
		}
	}()

	var (
		sum      Summary
		prog     = Progress{Total: o.Total, Started: start}
		stopped  bool
		firstErr error
	)
	deliver := func(r Result[In, Out]) {
		switch {
		case r.Err == nil:
			sum.OK++
		case r.Attempts == 0 || (ctx.Err() != nil && isCtxErr(r.Err)):
			sum.Canceled++
			r.Canceled = true
		default:
			sum.Failed++
			if o.HaltOnError && firstErr == nil {
				firstErr = r.Err
				cancel(ErrHalted)
			}
		}
		if o.OnProgress != nil {
			prog.Done = sum.OK + sum.Failed + sum.Canceled
			prog.Failed = sum.Failed
			o.OnProgress(prog)
		}
		if !stopped && !sink(r) {
			stopped = true
			cancel(errStopped)
		}
	}

	if o.Ordered {
		ring := make([]Result[In, Out], window)
		have := make([]bool, window)
		next := 0
		for r := range results {
			slot := r.Index % window
			ring[slot], have[slot] = r, true
			for have[next%window] {
				s := next % window
				out := ring[s]
				var zero Result[In, Out]
				ring[s], have[s] = zero, false
				next++
				<-tokens
				deliver(out)
			}
		}
	} else {
		for r := range results {
			deliver(r)
		}
	}
	finished = true
	wg.Wait()
	sum.Inputs = fed
	sum.Elapsed = time.Since(start)

	cause := context.Cause(ctx)
	switch {
	case firstErr != nil:
		return sum, fmt.Errorf("%w: %w", ErrHalted, firstErr)
	case cause != nil && cause != errStopped:
		return sum, cause
	case fed == 0 && cause == nil:
		return sum, ErrNoInput
	}
	return sum, nil
}

// Map is Run as an iterator: it yields each Result as Run would pass it to
// a sink. Breaking out of the loop cancels the rest of the run and waits
// for it. Map cannot report ErrNoInput or cancellation; use Run where they
// matter.
func Map[In, Out any](ctx context.Context, in iter.Seq[In], fn Func[In, Out], o Options) iter.Seq[Result[In, Out]] {
	return func(yield func(Result[In, Out]) bool) {
		_, _ = Run(ctx, in, fn, o, yield)
	}
}

func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrHalted) || errors.Is(err, errStopped)
}
