package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/web"
	"github.com/nats-io/nats.go"
)

// workerLive is what a worker reports of itself: its record in the
// broker's worker bucket, always, and with --http a page and /metrics of
// the tasks it ran.
type workerLive struct {
	g        *Globals
	presence *cluster.Presence
	run      *web.Run
	srv      *web.Server
}

// startWorkerLive starts the worker's record and, with --http, its page.
// A broker that refuses the worker bucket only costs the record.
func startWorkerLive(ctx context.Context, g *Globals, nc *nats.Conn, cfg cluster.Config, reg *engine.Registry, slots int) (*workerLive, *engine.Registry, error) {
	l := &workerLive{g: g}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	p, err := cluster.StartPresence(pctx, nc, cfg, Version, reg.Names(), slots)
	cancel()
	if err != nil {
		g.Warnf("fanout worker: not listed on the broker's page: %v", err)
	} else {
		l.presence = p
		reg = p.Wrap(reg)
	}
	if g.HTTP.Addr != "" {
		l.run = web.NewRun(web.Info{ID: "worker", Job: "worker", Noun: "tasks", Settings: g.HTTP.settings, Classes: true})
		srv, err := web.New(web.Config{Addr: g.HTTP.Addr, Token: g.HTTP.Token}, l.run)
		if err == nil {
			err = srv.Start()
		}
		if err != nil {
			l.stop()
			return nil, nil, fmt.Errorf("--http: %w", err)
		}
		l.srv = srv
		g.Warnf("fanout worker: page at %s (metrics at %smetrics)", srv.URL(), srv.URL())
	}
	return l, reg, nil
}

// task counts one task the worker ran, for its page.
func (l *workerLive) task(job string, err error) {
	if l.run == nil {
		return
	}
	switch {
	case errors.Is(err, cluster.ErrDropped):
		l.run.Cancelled(1)
	case err != nil:
		l.run.Fail(job+" task", job, err.Error(), 1)
	default:
		l.run.OK(1)
	}
}

// stop marks the worker gone and stops its page.
func (l *workerLive) stop() {
	if l.presence != nil {
		l.presence.Stop()
	}
	if l.srv != nil {
		l.run.Finish(web.StateFinished, 0)
		ctx, cancel := context.WithTimeout(context.Background(), liveShutdown)
		defer cancel()
		if err := l.srv.Shutdown(ctx); err != nil {
			l.g.Warnf("fanout worker: %v", err)
		}
	}
}

// startBrokerLive serves the broker's page with --http: the cluster's
// runs, workers and queue, actions, and /metrics. It returns a function
// that stops it.
func startBrokerLive(ctx context.Context, g *Globals, s *cluster.Server, cfg cluster.Config) (func(), error) {
	if g.HTTP.Addr == "" {
		return func() {}, nil
	}
	nc, err := s.Connect(nats.Name("fanout broker page"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("--http: %w", err)
	}
	bctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	b, err := web.StartBroker(bctx, nc, web.BrokerConfig{Config: cfg, Explain: explainers()})
	cancel()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("--http: %w", err)
	}
	srv, err := web.New(web.Config{Addr: g.HTTP.Addr, Token: g.HTTP.Token, Broker: b})
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		b.Stop()
		nc.Close()
		return nil, fmt.Errorf("--http: %w", err)
	}
	if !g.Quiet {
		g.Warnf("fanout broker: page at %s (metrics at %smetrics)", srv.URL(), srv.URL())
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), liveShutdown)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			g.Warnf("fanout broker: %v", err)
		}
		b.Stop()
		nc.Close()
	}, nil
}
