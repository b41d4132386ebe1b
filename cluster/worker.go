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
	slots := w.Workers
	if slots <= 0 {
		slots = engine.Options{}.DefaultWorkers()
	}
	p, err := newPuller(js, nc, cfg, slots, w.Logf)
	if err != nil {
		return err
	}
	// Tasks handed back when stopping are naked only once no slot of this
	// worker has a pull open, so that they go to another worker and not to
	// one of this one's lapsing pull requests.
	var handBack handBack
	jobs := &builtJobs{reg: w.Jobs}
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
	p.close(&handBack)
	handBack.nakAll()
	// Acks and naks are plain publishes: make sure they left before the
	// caller closes the connection.
	_ = nc.FlushTimeout(time.Second)
	return nil
}

// handBack holds the tasks a stopping worker gives back.
type handBack struct {
	mu   sync.Mutex
	msgs []task
}

func (h *handBack) add(m task) {
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

// puller pulls tasks for the slots of a worker: each free slot sends one
// pull request for one task to the shared consumer, and the tasks come to
// one inbox of the worker's, so that a worker never holds more tasks than
// it has free slots, and a pull costs one message, not a subscription.
type puller struct {
	js   jetstream.JetStream
	nc   *nats.Conn
	cfg  Config
	logf func(string, ...any)
	runs *runStates

	inbox string
	sub   *nats.Subscription
	in    chan *nats.Msg

	mu      sync.Mutex
	stores  *Files // the file bucket, shared by the runs' Files
	ready   bool   // the streams and the consumer are known to exist
	trouble string // the last trouble logged, "" when all is well
}

// pullExpires is how long one pull request waits for a task on the
// server; a request that gets no answer in pullExpires+pullGrace is taken
// as lost (a broker restart) and sent again.
const (
	pullExpires = 3 * time.Second
	pullGrace   = 2 * time.Second
)

func newPuller(js jetstream.JetStream, nc *nats.Conn, cfg Config, slots int, logf func(string, ...any)) (*puller, error) {
	p := &puller{js: js, nc: nc, cfg: cfg, logf: logf, runs: &runStates{js: js, cfg: cfg}, inbox: nats.NewInbox(), in: make(chan *nats.Msg, 8*slots+16)}
	sub, err := nc.ChanSubscribe(p.inbox, p.in)
	if err != nil {
		return nil, fmt.Errorf("cluster: subscribe for tasks: %w", err)
	}
	p.sub = sub
	return p, nil
}

// close stops taking tasks and hands back those that arrived unasked.
func (p *puller) close(back *handBack) {
	_ = p.sub.Unsubscribe()
	for {
		select {
		case m := <-p.in:
			if m.Header.Get("Status") == "" {
				back.add(rawTask{m, p.nc})
			}
		default:
			return
		}
	}
}

// next returns a task for a free slot, or false after a pause when there
// is none or the broker is away.
func (p *puller) next(ctx context.Context, back *handBack) (task, bool) {
	// A task of an earlier request taken as lost may be here already.
	select {
	case m := <-p.in:
		if t, ok := p.take(ctx, m, back); ok {
			return t, true
		}
	default:
	}
	if err := p.ensure(ctx); err != nil {
		p.pause(ctx, err)
		return nil, false
	}
	req := fmt.Appendf(nil, `{"batch":1,"expires":%d}`, pullExpires.Nanoseconds())
	subject := fmt.Sprintf("$JS.API.CONSUMER.MSG.NEXT.%s.%s", p.cfg.Stream, p.cfg.Consumer)
	if err := p.nc.PublishRequest(subject, p.inbox, req); err != nil {
		p.pause(ctx, fmt.Errorf("pull a task: %w", err))
		return nil, false
	}
	lost := time.NewTimer(pullExpires + pullGrace)
	defer lost.Stop()
	select {
	case m := <-p.in:
		return p.take(ctx, m, back)
	case <-lost.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// take turns what came to the inbox into a task; a status message (the
// request expired, the consumer is gone, no responders) is none.
func (p *puller) take(ctx context.Context, m *nats.Msg, back *handBack) (task, bool) {
	switch status := m.Header.Get("Status"); status {
	case "":
	case "408", "404": // the request expired without a task
		p.ok()
		return nil, false
	default: // 409: the consumer was deleted or changed leader; 503: no JetStream
		p.reset()
		p.pause(ctx, fmt.Errorf("pull a task: %s %s", status, m.Header.Get("Description")))
		return nil, false
	}
	t := rawTask{m, p.nc}
	if ctx.Err() != nil {
		back.add(t) // stopping: another worker runs it
		return nil, false
	}
	p.ok()
	return t, true
}

// ensure makes the streams and the consumer when they are not known to
// exist (at the start, and after they were found gone).
func (p *puller) ensure(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := ensure(cctx, p.nc, p.cfg); err != nil {
		return err
	}
	p.ready = true
	return nil
}

// files is the file store of run, for its tasks.
func (p *puller) files(run string) *Files {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stores == nil {
		p.stores = &Files{js: p.js, cfg: p.cfg}
	}
	return p.stores.ofRun(run)
}

func (p *puller) reset() {
	p.mu.Lock()
	p.ready = false
	p.mu.Unlock()
}

// pause reports err and waits a moment, unless the worker is stopping.
func (p *puller) pause(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	p.report(err)
	select {
	case <-time.After(250 * time.Millisecond):
	case <-ctx.Done():
	}
}

// task is a task message as a worker handles it.
type task interface {
	Subject() string
	Headers() nats.Header
	Data() []byte
	Ack() error
	Nak() error
	Term() error
	InProgress() error
}

// rawTask is a task message pulled by hand: its acknowledgements are
// messages to its reply subject, as JetStream defines them.
type rawTask struct {
	m  *nats.Msg
	nc *nats.Conn
}

func (t rawTask) Subject() string      { return t.m.Subject }
func (t rawTask) Headers() nats.Header { return t.m.Header }
func (t rawTask) Data() []byte         { return t.m.Data }
func (t rawTask) Ack() error           { return t.nc.Publish(t.m.Reply, []byte("+ACK")) }
func (t rawTask) Nak() error           { return t.nc.Publish(t.m.Reply, []byte("-NAK")) }
func (t rawTask) Term() error          { return t.nc.Publish(t.m.Reply, []byte("+TERM")) }
func (t rawTask) InProgress() error    { return t.nc.Publish(t.m.Reply, []byte("+WPI")) }

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
func (w *Worker) handle(ctx context.Context, p *puller, jobs *builtJobs, m task, back *handBack) (string, error) {
	job := jobOf(m.Subject(), p.cfg)
	run := runOf(m.Subject())
	if why := p.runs.over(ctx, run); why != "" {
		_ = m.Term() // nobody waits for its result
		return job, fmt.Errorf("%w: task of run %s dropped: %s", ErrDropped, run, why)
	}
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

	// Tell the server the task is alive while it runs, and stop it when
	// its run ends meanwhile (cancelled, abandoned).
	var wg sync.WaitGroup
	alive, stopAlive := context.WithCancel(ctx)
	taskCtx, stopTask := context.WithCancelCause(ctx)
	defer stopTask(nil)
	wg.Go(func() {
		t := time.NewTicker(p.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-alive.Done():
				return
			case <-t.C:
				if why := p.runs.over(alive, run); why != "" {
					stopTask(fmt.Errorf("%w: task of run %s stopped: %s", ErrDropped, run, why))
					return
				}
				_ = m.InProgress()
			}
		}
	})
	files := &taskFiles{Files: p.files(run)}
	out, err := callRaw(engine.WithFiles(taskCtx, files), raw, m.Data())
	if cause := context.Cause(taskCtx); ctx.Err() == nil && errors.Is(cause, ErrDropped) {
		stopAlive()
		wg.Wait()
		_ = m.Term()
		return job, cause
	}
	if ctx.Err() != nil {
		stopAlive()
		wg.Wait()
		back.add(m) // shutting down: let another worker run it
		return job, ctx.Err()
	}
	if files.lost() {
		// Its input could not be read while the broker was away: run it
		// again, here or elsewhere, rather than fail the item.
		stopAlive()
		wg.Wait()
		_ = m.Nak()
		return job, fmt.Errorf("cluster: %s task handed back: %w", job, err)
	}
	perr := storeResult(ctx, p, reply, h.Get(hdrToken), out, err)
	stopAlive()
	wg.Wait()
	if perr != nil {
		_ = m.Nak()
		return job, perr
	}
	files.deleteOpened(ctx)
	_ = m.Ack()
	return job, err
}

// jobOf returns the job name of a task subject "<prefix>.task.<job>.<run>".
func jobOf(subject string, cfg Config) string {
	rest := strings.TrimPrefix(subject, cfg.Subject+".task.")
	job, _, _ := strings.Cut(rest, ".")
	return job
}
