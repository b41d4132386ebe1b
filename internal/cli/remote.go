package cli

import (
	"context"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
)

// bind builds the job d defines with settings s: the job itself, or with
// --nats (or $FANOUT_NATS) the same job run by cluster workers, which
// build it from the same settings. The caller must call done after the
// run: it withdraws the tasks no worker took. Invalid settings are a usage
// error.
func bind[S engine.Settings, In, Out any](ctx context.Context, g *Globals, d *engine.Def[S, In, Out], s S) (job engine.Job[In, Out], done func(), err error) {
	if g.NATS == "" {
		job, err := d.Job(s)
		if err != nil {
			return job, nil, Usagef("usage: %v", err)
		}
		return job, func() {}, nil
	}
	c, err := cluster.Dial(ctx, g.NATS, cluster.Config{}, connectionLog(g, "fanout"), reconnectLog(g, "fanout"))
	if err != nil {
		return job, nil, err
	}
	closeClient := func() {
		if err := c.Close(); err != nil {
			g.Warnf("fanout: %v", err)
		}
	}
	job, err = cluster.Remote(c, d, s)
	if err != nil {
		closeClient()
		return job, nil, Usagef("usage: %v", err)
	}
	if n, err := c.Waiting(ctx); err == nil && n == 0 {
		g.Warnf("fanout: no worker is listening on %s yet; tasks wait until one starts ('fanout worker --nats %s')", g.NATS, g.NATS)
	}
	return job, closeClient, nil
}
