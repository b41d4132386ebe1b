package cli

import (
	"context"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
)

// noWorkerHint is how often a submitter says that no worker listens.
const noWorkerHint = 30 * time.Second

// bind builds the job d defines with settings s: the job itself, or with
// --nats (or $FANOUT_NATS) the same job run by cluster workers, which
// build it from the same settings. The caller must call done after the
// run: it withdraws the tasks no worker took. Invalid settings are a usage
// error.
//
// display, when not nil, is kept in the run's record: how this command
// shows the results beyond the job's settings (their order, say), so that
// fanout wait can show them the same way.
func bind[S engine.Settings, In, Out any](ctx context.Context, g *Globals, d *engine.Def[S, In, Out], s S, display any) (job engine.Job[In, Out], done func(), err error) {
	job, _, done, err = bindClient(ctx, g, d, s, display)
	return job, done, err
}

// bindClient is bind that also returns the run's client, nil for a
// local run.
func bindClient[S engine.Settings, In, Out any](ctx context.Context, g *Globals, d *engine.Def[S, In, Out], s S, display any) (job engine.Job[In, Out], _ *cluster.Client, done func(), err error) {
	if g.NATS == "" {
		job, err := d.Job(s)
		if err != nil {
			return job, nil, nil, Usagef("usage: %v", err)
		}
		return job, nil, func() {}, nil
	}
	opts, err := g.NATSAuth.options()
	if err != nil {
		return job, nil, nil, err
	}
	c, err := cluster.Dial(ctx, g.NATS, cluster.Config{BrokerTimeout: g.BrokerTimeout},
		append(opts, connectionLog(g, "fanout"), reconnectLog(g, "fanout"))...)
	if err != nil {
		return job, nil, nil, err
	}
	if display != nil {
		if err := c.SetDisplay(display); err != nil {
			c.Close()
			return job, nil, nil, err
		}
	}
	job, err = cluster.Remote(c, d, s)
	if err != nil {
		c.Close()
		return job, nil, nil, Usagef("usage: %v", err)
	}
	if !g.Quiet {
		g.Warnf("fanout: run %s on %s ('fanout runs' lists it, 'fanout cancel %s' stops it)", c.Run(), redact(g.NATS), c.Run())
	}
	// While no worker listens, say so at once and every noWorkerHint.
	quit, hinted := make(chan struct{}), make(chan struct{})
	noWorker := func() bool {
		// No slot asks for tasks, none runs one, and, a moment later,
		// still none: a worker's slots ask anew every second.
		for i := range 2 {
			if i > 0 {
				select {
				case <-quit:
					return false
				case <-time.After(1500 * time.Millisecond):
				}
			}
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			q, err := c.Queue(wctx)
			cancel()
			if err != nil || q.Waiting > 0 || q.InFlight > 0 {
				return false
			}
		}
		return true
	}
	go func() {
		defer close(hinted)
		hint := time.NewTicker(noWorkerHint)
		defer hint.Stop()
		for {
			if noWorker() {
				g.Warnf("fanout: no worker is listening on %s; tasks wait until one starts ('fanout worker --nats URL')", redact(g.NATS))
			}
			select {
			case <-quit:
				return
			case <-hint.C:
			}
		}
	}()
	closeClient := func() {
		close(quit)
		<-hinted
		if err := c.Close(); err != nil {
			g.Warnf("fanout: %v", err)
		}
	}
	return job, c, closeClient, nil
}
