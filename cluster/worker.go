package cluster

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Worker takes tasks from the shared consumer and runs them.
type Worker struct {
	// Jobs are the jobs this worker runs: each task names its job, its
	// Def.Version and its settings, and the worker builds the job from
	// them (once per run's settings) as the submitter's local pool would.
	// A task for a job it does not hold, of another version or with
	// settings it cannot read fails with a line that says so.
	Jobs *engine.Registry
	// Workers is how many tasks run at once. Zero means one per core.
	Workers int
	// Config must match the submitters'. The zero value uses the defaults.
	Config Config
	// OnTask, when set, is called after each task with its job name and
	// error, from one goroutine at a time.
	OnTask func(job string, err error)
}

// Serve runs tasks until ctx is cancelled. Tasks still running then are
// cancelled and handed back to the stream for another worker. Serve
// returns nil after a cancellation, or the error that stopped it.
func (w *Worker) Serve(ctx context.Context, nc *nats.Conn) error {
	err := w.serve(ctx, nc)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (w *Worker) serve(ctx context.Context, nc *nats.Conn) error {
	cfg := w.Config.withDefaults()
	js, err := ensure(ctx, nc, cfg)
	if err != nil {
		return err
	}
	cons, err := js.Consumer(ctx, cfg.Stream, cfg.Consumer)
	if err != nil {
		return fmt.Errorf("cluster: consumer %s: %w", cfg.Consumer, err)
	}
	workers := w.Workers
	if workers <= 0 {
		workers = engine.Options{}.DefaultWorkers()
	}
	msgs, err := cons.Messages(jetstream.PullMaxMessages(workers))
	if err != nil {
		return fmt.Errorf("cluster: pull tasks: %w", err)
	}
	// On cancellation, stop pulling (and make sure the server knows) before
	// cancelling the running tasks, so that the tasks handed back go to
	// another worker and not to this one's lapsed pull request. Draining
	// keeps the tasks already pulled readable, so that they are handed
	// back too instead of waiting out AckWait.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	// Acks and naks are plain publishes: make sure they left before the
	// caller closes the connection.
	defer nc.FlushTimeout(time.Second)
	stop := context.AfterFunc(ctx, func() {
		msgs.Drain()
		_ = nc.FlushTimeout(time.Second)
		cancelRun()
	})
	defer stop()
	defer msgs.Stop()

	var pullErr error
	tasks := func(yield func(jetstream.Msg) bool) {
		for {
			m, err := msgs.Next()
			if err != nil {
				if !errors.Is(err, jetstream.ErrMsgIteratorClosed) {
					pullErr = err
				}
				return
			}
			if !yield(m) {
				_ = m.Nak() // taken from the stream, but the run stopped
				return
			}
		}
	}
	jobs := &builtJobs{reg: w.Jobs}
	run := func(ctx context.Context, m jetstream.Msg) (string, error) {
		return w.handle(ctx, nc, cfg, jobs, m)
	}
	_, err = engine.Run(runCtx, iter.Seq[jetstream.Msg](tasks), run, engine.Options{Workers: workers},
		func(r engine.Result[jetstream.Msg, string]) bool {
			switch {
			case r.Canceled && r.Attempts == 0:
				_ = r.In.Nak() // pulled but never started: hand it back
			case r.Canceled: // handed back by handle
			case w.OnTask != nil:
				w.OnTask(r.Out, r.Err)
			}
			return true
		})
	// Hand back what was pulled but never reached the engine.
	if ctx.Err() != nil {
		for {
			m, err := msgs.Next()
			if err != nil {
				break
			}
			_ = m.Nak()
		}
	}
	switch {
	case pullErr != nil:
		return fmt.Errorf("cluster: pull tasks: %w", pullErr)
	case err != nil && !errors.Is(err, engine.ErrNoInput):
		return err
	}
	return nil
}

// handle runs one task and sends its result; it returns the job's name and
// the job's error, for OnTask.
func (w *Worker) handle(ctx context.Context, nc *nats.Conn, cfg Config, jobs *builtJobs, m jetstream.Msg) (string, error) {
	job := jobOf(m.Subject(), cfg)
	h := m.Headers()
	reply := h.Get(hdrReply)
	raw, err := jobs.get(job, h.Get(hdrVersion), h.Get(hdrSettings))
	if err != nil || reply == "" {
		if err == nil {
			err = fmt.Errorf("cluster: %s task without a reply subject", job)
		}
		if reply != "" {
			sendResult(nc, reply, nil, err)
		}
		_ = m.Term()
		return job, err
	}

	// Tell the server the task is alive while it runs.
	var wg sync.WaitGroup
	alive, stopAlive := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-alive.Done():
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	out, err := callRaw(ctx, raw, m.Data())
	stopAlive()
	wg.Wait()

	if ctx.Err() != nil {
		_ = m.Nak() // shutting down: let another worker run it
		return job, ctx.Err()
	}
	if perr := sendResult(nc, reply, out, err); perr != nil {
		_ = m.Nak()
		return job, perr
	}
	_ = m.Ack()
	return job, err
}

// callRaw runs a job, turning a panic into an error so that a result is
// always sent.
func callRaw(ctx context.Context, raw engine.RawFunc, in []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &engine.PanicError{Value: v}
		}
	}()
	return raw(ctx, in)
}

func sendResult(nc *nats.Conn, reply string, out []byte, err error) error {
	msg := nats.NewMsg(reply)
	msg.Data = out // with an error too: the job's own account of it
	if err != nil {
		msg.Header.Set(hdrError, err.Error())
		if engine.IsTransient(err) {
			msg.Header.Set(hdrTransient, "1")
		}
	}
	return nc.PublishMsg(msg)
}

// jobOf returns the job name of a task subject "<prefix>.task.<job>.<run>".
func jobOf(subject string, cfg Config) string {
	rest := strings.TrimPrefix(subject, cfg.Subject+".task.")
	job, _, _ := strings.Cut(rest, ".")
	return job
}
