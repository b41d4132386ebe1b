package cluster

import (
	"context"
	"errors"
	"fmt"
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
	// Workers is how many tasks run at once: each slot pulls a task only
	// when it is free, so a worker never holds tasks it is not running.
	// Zero means one per core.
	Workers int
	// Config must match the submitters'. The zero value uses the defaults.
	Config Config
	// OnTask, when set, is called after each task with its job name and
	// error, from one goroutine at a time.
	OnTask func(job string, err error)
	// Logf, when set, is told of trouble the worker rides out (a broker
	// that does not answer, a stream made anew), one line per change.
	Logf func(format string, args ...any)
}

// Serve runs tasks until ctx is cancelled. It rides out missed heartbeats,
// reconnects, broker restarts and a deleted stream or consumer (made
// anew). Tasks still running when ctx is cancelled are cancelled and handed
// back at once for another worker. Serve returns nil after a cancellation,
// or the error that kept it from starting.
func (w *Worker) Serve(ctx context.Context, nc *nats.Conn) error {
	cfg := w.Config.withDefaults()
	js, err := jetstream.New(nc) // the streams are made, or found, by the first pull
	if err != nil {
		return fmt.Errorf("cluster: jetstream: %w", err)
	}
	p := &puller{js: js, nc: nc, cfg: cfg, logf: w.Logf}
	// Tasks handed back when stopping are naked only once no slot of this
	// worker has a pull open, so that they go to another worker and not to
	// one of this one's lapsing pull requests.
	var handBack handBack
	jobs := &builtJobs{reg: w.Jobs}
	slots := w.Workers
	if slots <= 0 {
		slots = engine.Options{}.DefaultWorkers()
	}
	var mu sync.Mutex // OnTask, one call at a time
	var wg sync.WaitGroup
	for range slots {
		wg.Go(func() {
			for ctx.Err() == nil {
				m, ok := p.next(ctx, &handBack)
				if !ok {
					continue
				}
				job, err := w.handle(ctx, p, jobs, m, &handBack)
				if w.OnTask != nil && ctx.Err() == nil {
					mu.Lock()
					w.OnTask(job, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	handBack.nakAll()
	// Acks and naks are plain publishes: make sure they left before the
	// caller closes the connection.
	_ = nc.FlushTimeout(time.Second)
	return nil
}

// handBack holds the tasks a stopping worker gives back.
type handBack struct {
	mu   sync.Mutex
	msgs []jetstream.Msg
}

func (h *handBack) add(m jetstream.Msg) {
	h.mu.Lock()
	h.msgs = append(h.msgs, m)
	h.mu.Unlock()
}

func (h *handBack) nakAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		_ = m.Nak()
	}
	h.msgs = nil
}

// puller pulls one task at a time for a slot, and makes the streams and
// the consumer when they are missing (at the start, or deleted since).
type puller struct {
	js   jetstream.JetStream
	nc   *nats.Conn
	cfg  Config
	logf func(string, ...any)

	mu      sync.Mutex
	cons    jetstream.Consumer
	trouble string // the last trouble logged, "" when all is well
}

// pullWait is how long one pull waits for a task; a worker that stops
// waits for its slots' pulls at most this long.
const pullWait = time.Second

// next returns a task, or false after a pause when there is none or the
// broker is away.
func (p *puller) next(ctx context.Context, back *handBack) (jetstream.Msg, bool) {
	cons, err := p.consumer(ctx)
	if err == nil {
		var m jetstream.Msg
		m, err = cons.Next(jetstream.FetchMaxWait(pullWait))
		if err == nil {
			if ctx.Err() != nil {
				back.add(m) // stopping: another worker runs it
				return nil, false
			}
			p.ok()
			return m, true
		}
		if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages) {
			p.ok()
			return nil, false
		}
		if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrConsumerDeleted) ||
			errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, nats.ErrNoResponders) {
			p.reset()
		}
	}
	if ctx.Err() == nil {
		p.report(err)
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return nil, false
}

// consumer returns the shared consumer, making the streams and it anew
// when they are gone.
func (p *puller) consumer(ctx context.Context) (jetstream.Consumer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cons != nil {
		return p.cons, nil
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := ensure(cctx, p.nc, p.cfg); err != nil {
		return nil, err
	}
	cons, err := p.js.Consumer(cctx, p.cfg.Stream, p.cfg.Consumer)
	if err != nil {
		return nil, fmt.Errorf("cluster: consumer %s: %w", p.cfg.Consumer, err)
	}
	p.cons = cons
	return cons, nil
}

func (p *puller) reset() {
	p.mu.Lock()
	p.cons = nil
	p.mu.Unlock()
}

// report logs err once, until it changes or all is well again.
func (p *puller) report(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	msg := err.Error()
	if msg != p.trouble && p.logf != nil {
		p.logf("fanout worker: %v; trying again", err)
	}
	p.trouble = msg
}

func (p *puller) ok() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trouble != "" && p.logf != nil {
		p.logf("fanout worker: taking tasks again")
	}
	p.trouble = ""
}

// handle runs one task, stores its result and only then acknowledges the
// task; it returns the job's name and the job's error, for OnTask.
func (w *Worker) handle(ctx context.Context, p *puller, jobs *builtJobs, m jetstream.Msg, back *handBack) (string, error) {
	job := jobOf(m.Subject(), p.cfg)
	h := m.Headers()
	reply := h.Get(hdrReply)
	raw, err := jobs.get(job, h.Get(hdrVersion), h.Get(hdrSettings))
	if err != nil || !strings.HasPrefix(reply, p.cfg.Subject+".result.") {
		if err == nil {
			err = fmt.Errorf("cluster: %s task without a valid result subject", job)
		} else if perr := storeResult(ctx, p, reply, h.Get(hdrToken), nil, err); perr != nil {
			_ = m.Nak()
			return job, perr
		}
		_ = m.Term()
		return job, err
	}

	// Tell the server the task is alive while it runs.
	var wg sync.WaitGroup
	alive, stopAlive := context.WithCancel(ctx)
	wg.Go(func() {
		t := time.NewTicker(p.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-alive.Done():
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	})
	out, err := callRaw(ctx, raw, m.Data())
	if ctx.Err() != nil {
		stopAlive()
		wg.Wait()
		back.add(m) // shutting down: let another worker run it
		return job, ctx.Err()
	}
	perr := storeResult(ctx, p, reply, h.Get(hdrToken), out, err)
	stopAlive()
	wg.Wait()
	if perr != nil {
		_ = m.Nak()
		return job, perr
	}
	_ = m.Ack()
	return job, err
}

// storeResult publishes a task's result, with the task's token, to the
// result stream, in parts
// when it is larger than one message, and waits for the broker to store
// it, retrying while the broker is away until ctx is done. Each part's
// message id makes a result sent twice (by a redelivered task) count once.
func storeResult(ctx context.Context, p *puller, reply, token string, out []byte, jobErr error) error {
	parts := split(out, int(p.nc.MaxPayload())-partHeadroom)
	for i, part := range parts {
		msg := nats.NewMsg(reply)
		msg.Data = part // with an error too: the job's own account of it
		msg.Header.Set(hdrToken, token)
		if len(parts) > 1 {
			msg.Header.Set(hdrPart, formatPart(i, len(parts)))
		}
		if jobErr != nil {
			msg.Header.Set(hdrError, jobErr.Error())
			if engine.IsTransient(jobErr) {
				msg.Header.Set(hdrTransient, "1")
			}
		}
		id := reply + "." + formatPart(i, len(parts))
		for {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := p.js.PublishMsg(pctx, msg, jetstream.WithMsgID(id))
			cancel()
			if err == nil {
				p.ok()
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) {
				p.reset() // the result stream may be gone: make it anew
				_, _ = p.consumer(ctx)
			}
			p.report(fmt.Errorf("store a result: %w", err))
			select {
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
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

// jobOf returns the job name of a task subject "<prefix>.task.<job>.<run>".
func jobOf(subject string, cfg Config) string {
	rest := strings.TrimPrefix(subject, cfg.Subject+".task.")
	job, _, _ := strings.Cut(rest, ".")
	return job
}
