package cli

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, documented in the root command's help and the README.
const (
	ExitOK          = 0   // every item succeeded
	ExitFailed      = 1   // some items failed, or the run could not go on
	ExitUsage       = 2   // bad flags or arguments, or no input at all
	ExitInterrupted = 130 // stopped by Ctrl-C (128 + SIGINT)
	ExitTerminated  = 143 // stopped by SIGTERM (128 + SIGTERM)
)

const exitCodesHelp = `Exit status:
  0    every item succeeded
  1    some items failed (each is named on stderr), or an output error
  2    usage error, or no input at all (an empty folder or empty stdin)
  130  interrupted (Ctrl-C); the summary says what was done
  143  terminated (SIGTERM), a clean stop as for Ctrl-C`

// UsageError is a mistake in the command line or an input with nothing in
// it. It maps to exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// FailedError reports that some items failed; each was already named on
// stderr. It maps to exit status 1.
type FailedError struct {
	Failed, Total int
	Noun          string
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %d %s failed", e.Failed, e.Total, e.Noun)
}

// errReported marks an error whose message was already printed.
type errReported struct{ err error }

func (e errReported) Error() string { return e.err.Error() }
func (e errReported) Unwrap() error { return e.err }

// ExitCode maps the error a command returned to the process exit status.
func ExitCode(err error) int {
	var usage *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrTerminated):
		return ExitTerminated
	case errors.Is(err, context.Canceled), errors.Is(err, ErrInterrupted):
		return ExitInterrupted
	case errors.As(err, &usage):
		return ExitUsage
	default:
		return ExitFailed
	}
}

// ErrInterrupted is the cancellation cause when the user pressed Ctrl-C.
var ErrInterrupted = errors.New("interrupted")

// ErrTerminated is the cancellation cause on SIGTERM. The run stops as on
// Ctrl-C, and errors.Is(ErrTerminated, ErrInterrupted) holds, but the exit
// status is 143, as the convention wants.
var ErrTerminated error = stopSignal("terminated")

type stopSignal string

func (s stopSignal) Error() string        { return string(s) }
func (s stopSignal) Is(target error) bool { return target == ErrInterrupted }
