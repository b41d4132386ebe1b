package engine

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoInput is returned by Run when the input sequence yielded nothing at
// all. It tells "nothing to do" apart from "everything failed".
var ErrNoInput = errors.New("engine: no input")

// ErrHalted is the cause of cancellation when Options.HaltOnError stopped
// the run after the first failed item. Run returns an error that wraps both
// ErrHalted and that item's error.
var ErrHalted = errors.New("engine: halted on first error")

// ErrNotStarted is the error of an item that was taken from the input but
// never started because the run was cancelled first. It is joined with the
// cancellation cause.
var ErrNotStarted = errors.New("engine: not started")

// PanicError is the error of an item whose job panicked.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the goroutine's stack at the time of the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// TransientError marks an error as worth retrying. Run retries such items up
// to Options.Retries times. After, when positive, is the least time to wait
// before the next attempt (an HTTP Retry-After, for example).
type TransientError struct {
	Err   error
	After time.Duration
}

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// Transient wraps err so that Run retries it. It returns nil for a nil err.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// IsTransient reports whether err, or an error it wraps, is a TransientError.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}
