package engine

import (
	"context"
	"errors"
	"runtime/debug"
	"time"
)

// attempt runs fn for one input, retrying transient errors and turning a
// panic into the item's error.
func attempt[In, Out any](ctx context.Context, fn Func[In, Out], o *Options, idx int, in In) Result[In, Out] {
	r := Result[In, Out]{Index: idx, In: in}
	if o.Indexed {
		ctx = context.WithValue(ctx, indexKey{}, idx)
	}
	if ctx.Err() != nil {
		r.Err = errors.Join(ErrNotStarted, context.Cause(ctx))
		return r
	}
	for {
		r.Attempts++
		r.Out, r.Err = call(ctx, fn, in)
		if r.Err == nil || r.Attempts > o.Retries || !IsTransient(r.Err) {
			return r
		}
		wait := o.backoff(r.Attempts)
		var t *TransientError
		if errors.As(r.Err, &t) && t.After > wait {
			wait = t.After
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			// Stopped while waiting to try again: the item did not
			// finish (it is cancelled, not failed with its last error).
			timer.Stop()
			r.Err = errors.Join(context.Canceled, context.Cause(ctx), r.Err)
			return r
		}
	}
}

type indexKey struct{}

// IndexOf returns the place in the input, from 0, of the item whose
// function call ctx belongs to, when the run has Options.Indexed.
func IndexOf(ctx context.Context) (int, bool) {
	i, ok := ctx.Value(indexKey{}).(int)
	return i, ok
}

func call[In, Out any](ctx context.Context, fn Func[In, Out], in In) (out Out, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, in)
}
