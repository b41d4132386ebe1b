package cli

import (
	"context"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
)

// remoteInFlight is how many items a submitter keeps on cluster workers at
// once when -j is not given.
const remoteInFlight = 64

// remote returns job's function run by cluster workers when --nats is set,
// or nil when the job runs locally. The caller must call done after the
// run: it withdraws the tasks no worker took.
func remote[In, Out any](ctx context.Context, g *Globals, job engine.Job[In, Out]) (fn engine.Func[In, Out], done func(), err error) {
	if g.NATS == "" {
		return nil, func() {}, nil
	}
	c, err := cluster.Dial(ctx, g.NATS, cluster.Config{})
	if err != nil {
		return nil, nil, err
	}
	if n, err := c.Waiting(ctx); err == nil && n == 0 {
		g.Warnf("fanout: no worker is listening on %s yet; tasks wait until one starts ('fanout worker --nats %s')", g.NATS, g.NATS)
	}
	return cluster.Remote[In, Out](c, job.Name), func() {
		if err := c.Close(); err != nil {
			g.Warnf("fanout: %v", err)
		}
	}, nil
}
