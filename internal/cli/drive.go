package cli

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/web"
)

// Task describes one run of a job for Drive.
type Task[In, Out any] struct {
	Job     engine.Job[In, Out]
	Inputs  iter.Seq[In]
	Total   int    // number of inputs when known before the run, else 0
	Ordered bool   // deliver results in input order
	Noun    string // plural noun for the summary: "files", "numbers", "URLs"
	// NoInput is the message when the input held nothing at all, e.g.
	// "no images found in images/". The run then exits with status 2.
	NoInput string
	// Name names an input in error lines; nil means fmt.Sprint.
	Name func(In) string
	// Emit writes the output of one result, successful or not. A returned
	// error (a failed write) stops the run. Nil means no output.
	Emit func(r engine.Result[In, Out], rep *Report) error
	// InputBytes is the size of the input when it is known before the run
	// (files, not a pipe), and BytesOf the part of it an input covers: the
	// bar then shows how far the run is and its ETA by bytes read, when
	// the number of items is not known.
	InputBytes int64
	BytesOf    func(In) int64
	// Failed counts inputs that failed before the run started (a path that
	// does not exist): already named on stderr, they count in the summary
	// and the exit status.
	Failed int
	// SelfCounted says that Emit counts items itself through rep.OK and
	// rep.Fail (for jobs whose engine items are chunks of many items).
	// Otherwise Drive counts each result and reports each failed one.
	SelfCounted bool
}

// Report counts items and prints one line on stderr per failed item.
type Report struct {
	g            *Globals
	live         liveSink // the web state with --http, else nil
	ok, failed   int
	firstFailure error
	// heldBack counts items that finished after an ordered run's first
	// unfinished one: left out so that the output stays a prefix.
	heldBack int
}

// OK counts n items that succeeded.
func (r *Report) OK(n int) {
	r.ok += n
	if r.live != nil {
		r.live.ok(n)
	}
}

// Fail counts one failed item and prints "ITEM: reason" on stderr.
func (r *Report) Fail(item string, err error) {
	r.failed++
	if r.firstFailure == nil {
		r.firstFailure = err
	}
	r.g.Warnf("%s: %v", shown(item), err)
	if r.live != nil {
		r.live.fail(item, err)
	}
}

// shown is an item's name as text output prints it: as it is, or quoted
// like a Go string when it holds a control character (a newline, a tab, a
// carriage return), so that one item stays one line (GNU ls quotes such
// names too). JSON output needs no such care.
func shown(name string) string {
	if strings.ContainsFunc(name, unicode.IsControl) {
		return strconv.Quote(name)
	}
	return name
}

// Drive runs t on the engine with the global options in g: it shows a
// progress bar when asked, writes every result through t.Emit, names every
// failed item on stderr, prints a summary line, and returns an error that
// ExitCode maps to the right exit status.
func Drive[In, Out any](ctx context.Context, g *Globals, t Task[In, Out]) error {
	opts := engine.Options{
		Workers:     t.Job.Workers,
		Ordered:     t.Ordered,
		Retries:     g.Retries,
		HaltOnError: g.HaltOnError,
		Total:       t.Total,
		Indexed:     t.Job.Indexed,
	}
	if g.Jobs > 0 {
		opts.Workers = g.Jobs
	}
	name := t.Name
	if name == nil {
		name = func(in In) string { return fmt.Sprint(in) }
	}
	rep := &Report{g: g, failed: t.Failed}
	// With --http the run has a live page: Drive tells it each outcome.
	live, err := startLive(g, t, opts.Workers)
	if err != nil {
		return err
	}
	defer live.end(web.StateFailed, 0) // when Drive returns before the summary
	run := t.Job.Run
	if live != nil {
		rep.live = live
		run = live.wrap(run)
	}
	// The bar counts what the report counts: items, even when the engine's
	// items are chunks of them.
	bar := g.startProgress(t.Noun, t.Total, t.InputBytes)
	var bytesDone int64

	var writeErr error
	var flusher idleFlusher
	cut := false // an ordered run was interrupted: print nothing more
	sink := func(r engine.Result[In, Out]) bool {
		if live != nil {
			if r.Canceled && !t.SelfCounted {
				live.cancelled()
			}
			live.result(r)
		}
		if r.Canceled {
			cut = cut || t.Ordered
			return true
		}
		if cut {
			rep.heldBack++
			return true
		}
		if t.Emit != nil {
			flusher.mu.Lock()
			err := t.Emit(r, rep)
			flusher.mu.Unlock()
			if err != nil {
				writeErr = err
				return false
			}
			if g.stdoutIsTTY {
				if err := g.Stdout.Flush(); err != nil {
					writeErr = err
					return false
				}
			}
		}
		if !t.SelfCounted {
			if r.Err != nil {
				rep.Fail(name(r.In), r.Err)
			} else {
				rep.OK(1)
			}
		}
		if bar != nil {
			if t.BytesOf != nil {
				bytesDone += t.BytesOf(r.In)
			}
			bar.update(rep.ok+rep.failed, bytesDone)
		}
		return true
	}
	flusher.start(g)
	sum, err := engine.Run(ctx, t.Inputs, run, opts, sink)
	flusher.stop()
	if err == nil && ctx.Err() != nil {
		// Interrupted after the last item started: the input may have
		// been cut short (stdin gives way to Ctrl-C), so the run is not
		// complete, even if every item it saw finished.
		err = context.Cause(ctx)
	}
	if bar != nil {
		bar.stop(err == nil && writeErr == nil)
	}
	if ferr := g.Stdout.Flush(); writeErr == nil && ferr != nil {
		writeErr = ferr
	}

	switch {
	case errors.Is(err, engine.ErrNoInput):
		return &UsageError{Msg: t.NoInput}
	case writeErr != nil:
		if isBrokenPipe(writeErr) {
			return nil // the reader went away: not our failure
		}
		return fmt.Errorf("write output: %w", writeErr)
	}
	if t.SelfCounted && rep.heldBack > 0 {
		rep.heldBack = -1 // a count of chunks, not of items
	}
	g.summary(t.Noun, sum, rep, err)
	if live != nil {
		total := 0
		if err == nil && t.Total == 0 {
			total = rep.ok + rep.failed // a run that went through did them all
		}
		live.end(liveState(err), total)
	}
	switch {
	case err != nil && errors.Is(err, engine.ErrHalted):
		return errReported{&FailedError{Failed: rep.failed, Total: rep.ok + rep.failed, Noun: t.Noun}}
	case err != nil:
		return errReported{err}
	case rep.failed > 0:
		return errReported{&FailedError{Failed: rep.failed, Total: rep.ok + rep.failed, Noun: t.Noun}}
	}
	return nil
}

// summary prints the closing line on stderr: what was done, how fast, and
// after an interruption what was left.
func (g *Globals) summary(noun string, sum engine.Summary, rep *Report, runErr error) {
	if g.Quiet {
		return
	}
	done := rep.ok + rep.failed
	secs := sum.Elapsed.Seconds()
	line := fmt.Sprintf("%d %s: %d ok, %d failed in %s", done, noun, rep.ok, rep.failed, sum.Elapsed.Round(time.Millisecond))
	if secs > 0 && done > 0 {
		line += fmt.Sprintf(" (%.0f %s/s)", float64(done)/secs, noun)
	}
	if runErr != nil {
		reason := "interrupted"
		if errors.Is(runErr, ErrTerminated) {
			reason = "terminated"
		} else if errors.Is(runErr, engine.ErrHalted) {
			reason = "halted on the first error"
		} else if !errors.Is(runErr, ErrInterrupted) && !errors.Is(runErr, context.Canceled) {
			reason = runErr.Error()
		}
		held := ""
		switch {
		case rep.heldBack > 0:
			held = fmt.Sprintf(", %d finished after it but left out to keep the output in order", rep.heldBack)
		case rep.heldBack < 0:
			held = ", and what finished after it left out to keep the output in order"
		}
		line = fmt.Sprintf("%s: %s; %d cancelled before finishing%s, the rest not started", reason, line, sum.Canceled, held)
	}
	g.warnMu.Lock() // the Ctrl-C notice may be written at the same time
	defer g.warnMu.Unlock()
	fmt.Fprintln(g.Stderr, line)
}

// idleFlusher flushes buffered output that has waited a while, so that a
// reader at the other end of a pipe sees results while input comes slowly,
// not only when the buffer fills. On a terminal every result is flushed at
// once and no flusher runs.
type idleFlusher struct {
	mu   sync.Mutex // held while output is written or flushed
	quit chan struct{}
	done chan struct{}
}

const idleFlush = 200 * time.Millisecond

func (f *idleFlusher) start(g *Globals) {
	if g.stdoutIsTTY {
		return
	}
	f.quit, f.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(f.done)
		tick := time.NewTicker(idleFlush)
		defer tick.Stop()
		for {
			select {
			case <-f.quit:
				return
			case <-tick.C:
				f.mu.Lock()
				if g.Stdout.Buffered() > 0 {
					_ = g.Stdout.Flush() // a failed write shows on the next Emit
				}
				f.mu.Unlock()
			}
		}
	}()
}

func (f *idleFlusher) stop() {
	if f.quit != nil {
		close(f.quit)
		<-f.done
	}
}
