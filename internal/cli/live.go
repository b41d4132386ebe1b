package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/web"
	"github.com/fanout-dev/fanout/title"
)

// httpFlags are --http and --http-token, the live page of a run.
type httpFlags struct {
	Addr     string // --http: where to serve the run page and /metrics
	Token    string // --http-token, else $FANOUT_HTTP_TOKEN
	settings []web.Setting
}

// liveShutdown bounds the web server's shutdown after the summary.
const liveShutdown = 3 * time.Second

// addHTTPFlags gives a job command --http and --http-token.
func addHTTPFlags(f *pflag.FlagSet, o *httpFlags) {
	f.StringVar(&o.Addr, "http", "", "serve a live page of the run and /metrics at ADDR (':8080' is 127.0.0.1:8080; other addresses need a token)")
	f.StringVar(&o.Token, "http-token", "", "with --http: the token every request must bring (default $FANOUT_HTTP_TOKEN)")
}

// check validates --http before anything runs: an address beyond
// loopback without a token is a usage error. It keeps the flags the
// command was given, for the page.
func (o *httpFlags) check(cmd *cobra.Command) error {
	if o.Addr == "" {
		if cmd.Flags().Changed("http") {
			return Usagef("usage: --http needs an address, e.g. --http :8080")
		}
		return nil
	}
	if o.Token == "" {
		o.Token = os.Getenv("FANOUT_HTTP_TOKEN")
	}
	if _, err := web.New(web.Config{Addr: o.Addr, Token: o.Token}); err != nil {
		if errors.Is(err, web.ErrTokenRequired) {
			return Usagef("usage: --http %s listens beyond this machine: give a token with --http-token or $FANOUT_HTTP_TOKEN", o.Addr)
		}
		return Usagef("usage: --http: %v", err)
	}
	o.settings = nil
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "http-token", "creds", "tls-key":
			return // secrets, or where they are
		case "nats":
			o.settings = append(o.settings, web.Setting{Name: "--nats", Value: redact(f.Value.String())})
			return
		}
		o.settings = append(o.settings, web.Setting{Name: "--" + f.Name, Value: f.Value.String()})
	})
	return nil
}

// liveRun feeds the web state of one run from Drive and owns its server.
type liveRun[In, Out any] struct {
	g        *Globals
	run      *web.Run
	srv      *web.Server
	classify func(Out, error) string
	attempts int // of the result being reported
	out      Out // its output, kept only to classify errors
	ended    bool
}

// startLive starts the web server of t's run when --http is set; it
// returns nil otherwise.
func startLive[In, Out any](g *Globals, t Task[In, Out], workers int) (*liveRun[In, Out], error) {
	if g.HTTP.Addr == "" {
		return nil, nil
	}
	if workers <= 0 {
		workers = engine.Options{}.DefaultWorkers()
	}
	l := &liveRun[In, Out]{g: g, classify: classifier[Out]()}
	settings := append([]web.Setting{{Name: "workers", Value: strconv.Itoa(workers)}}, g.HTTP.settings...)
	l.run = web.NewRun(web.Info{Job: t.Job.Name, Noun: t.Noun, Settings: settings, Total: t.Total, Classes: l.classify != nil})
	srv, err := web.New(web.Config{Addr: g.HTTP.Addr, Token: g.HTTP.Token}, l.run)
	if err != nil {
		return nil, Usagef("usage: --http: %v", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("--http: %w", err)
	}
	l.srv = srv
	g.Warnf("fanout: live page at %s (metrics at %smetrics)", srv.URL(), srv.URL())
	return l, nil
}

// wrap measures each attempt at an item: in flight while it runs, and its
// duration.
func (l *liveRun[In, Out]) wrap(fn engine.Func[In, Out]) engine.Func[In, Out] {
	return func(ctx context.Context, in In) (Out, error) {
		defer l.run.End(l.run.Begin())
		return fn(ctx, in)
	}
}

// result is called with each result before it is written and counted.
func (l *liveRun[In, Out]) result(r engine.Result[In, Out]) {
	l.attempts = r.Attempts
	if l.classify != nil {
		l.out = r.Out
	}
}

// cancelled counts a result the end of the run cancelled.
func (l *liveRun[In, Out]) cancelled() { l.run.Cancelled(1) }

func (l *liveRun[In, Out]) ok(n int) { l.run.OK(n) }

func (l *liveRun[In, Out]) fail(item string, err error) {
	class := ""
	if l.classify != nil {
		class = l.classify(l.out, err)
	}
	l.run.Fail(item, class, err.Error(), l.attempts)
}

// end marks the run ended in state s, with total items when it went
// through, and shuts the server down (bounded). Only the first call
// counts; l may be nil.
func (l *liveRun[In, Out]) end(s web.State, total int) {
	if l == nil || l.ended {
		return
	}
	l.ended = true
	l.run.Finish(s, total)
	ctx, cancel := context.WithTimeout(context.Background(), liveShutdown)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.g.Warnf("fanout: %v", err)
	}
}

// liveState is the state a run's error means.
func liveState(err error) web.State {
	switch {
	case err == nil:
		return web.StateFinished
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return web.StateInterrupted
	}
	return web.StateFailed
}

// classifier returns how the page names the class of a job's error, or
// nil for a job without classes. titles has them: its Page says, or the
// error does.
func classifier[Out any]() func(Out, error) string {
	var zero Out
	if _, ok := any(zero).(title.Page); !ok {
		return nil
	}
	return func(out Out, err error) string {
		if p, ok := any(out).(title.Page); ok && p.Error != "" {
			return string(p.Error)
		}
		return string(title.ClassOf(err))
	}
}

// liveSink is what a Report tells the web state.
type liveSink interface {
	ok(n int)
	fail(item string, err error)
}
