package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/jobs"
	"github.com/fanout-dev/fanout/thumb"
	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type workerOptions struct {
	Verbose      bool
	AbandonAfter time.Duration
}

func (o *workerOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "print one line per task on stderr")
	f.DurationVar(&o.AbandonAfter, "abandon-after", 3*time.Minute, "cancel a run whose submitter has been silent this long (killed, asleep) instead of running its tasks for nobody; at least 15s")
}

func newWorkerCmd(g *Globals) *cobra.Command {
	var o workerOptions
	cmd := &cobra.Command{
		Use:   "worker --nats URL",
		Short: "Run tasks for 'fanout primes|titles|thumbs --nats URL' on this machine",
		Long: `Take tasks from the NATS JetStream server given with --nats and run them,
-j at a time (default: 16), until Ctrl-C. Start as many workers, on as many
machines, as you like: they share one work queue. A submitter started with
the same --nats hands its items to them and prints the results as if it
had run them itself.

A worker runs every job fanout ships (` + strings.Join(jobs.Registry().Names(), ", ") + `),
built from the settings each task carries: the submitter's flags
(--timeout, --max-bytes, --sizes, --format, ...) apply on every worker. A
task from a different fanout version, or with settings this build cannot
read, fails with a line that says so. thumbs reads and writes files at the
paths the submitter gives, so its workers must see the same files (the
same machine, or a shared file system).

A task whose worker stops is handed to another worker; a worker stopped
with Ctrl-C hands its running tasks back.`,
		Example: `  fanout broker --listen 0.0.0.0:4222 &     # or any NATS server with JetStream
  fanout worker --nats nats://broker:4222    # on every machine
  seq 1 10000000 | fanout primes --nats nats://broker:4222 -p | wc -l`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWorker(cmd.Context(), g, o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runWorker(ctx context.Context, g *Globals, o workerOptions) error {
	if g.NATS == "" {
		return Usagef("usage: worker needs --nats URL (or $FANOUT_NATS)")
	}
	if o.AbandonAfter < 15*time.Second { // three of a submitter's heartbeats
		return Usagef("usage: --abandon-after must be at least 15s, not %v", o.AbandonAfter)
	}
	opts, err := g.NATSAuth.options()
	if err != nil {
		return err
	}
	nc, err := nats.Connect(g.NATS, append(opts, nats.Name("fanout worker"), nats.MaxReconnects(-1), nats.Timeout(5*time.Second),
		nats.ReconnectWait(250*time.Millisecond), connectionLog(g, "fanout worker"), reconnectLog(g, "fanout worker"))...)
	if err != nil {
		return fmt.Errorf("worker: connect to %s: %w", redact(g.NATS), err)
	}
	defer nc.Close()
	workers := g.Jobs
	if workers == 0 {
		workers = 16
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Thumbnails are the jobs that hold memory: a worker keeps to what
		// a local thumbs run keeps to (the decodes wait for each other
		// within the same budget), and the collector works harder near it.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(thumb.SoftMemoryLimit(thumb.Settings{})))
	}
	var done, failed, dropped int
	reg := jobs.Registry()
	ccfg := cluster.Config{AbandonAfter: o.AbandonAfter}
	live, counted, err := startWorkerLive(ctx, g, nc, ccfg, reg, workers)
	if err != nil {
		return err
	}
	defer live.stop()
	w := &cluster.Worker{Jobs: counted, Workers: workers, Logf: g.Warnf, Config: ccfg, OnTask: func(job string, err error) {
		live.task(job, err)
		switch {
		case errors.Is(err, cluster.ErrDropped):
			dropped++
		case err != nil:
			done++
			failed++
		default:
			done++
		}
		if o.Verbose {
			g.Warnf("%s task: %v", job, errOrOK(err))
		}
	}}
	if !g.Quiet {
		g.Warnf("fanout worker: taking tasks from %s, %d at a time, for jobs %s", nc.ConnectedUrlRedacted(), workers, strings.Join(reg.Names(), ", "))
	}
	err = w.Serve(ctx, nc)
	if !g.Quiet {
		line := fmt.Sprintf("fanout worker: ran %d tasks, %d of them failed", done, failed)
		if dropped > 0 {
			line += fmt.Sprintf("; dropped %d of runs that had ended", dropped)
		}
		g.Warnf("%s", line)
	}
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	return context.Cause(ctx)
}

// connectionLog and reconnectLog print one line per change of a
// connection to the broker.
func connectionLog(g *Globals, who string) nats.Option {
	return nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
		if nc.IsClosed() {
			return // closed on purpose
		}
		if err != nil {
			g.Warnf("%s: lost the broker %s: %v; reconnecting", who, nc.ConnectedUrlRedacted(), err)
		} else {
			g.Warnf("%s: lost the broker; reconnecting", who)
		}
	})
}

func reconnectLog(g *Globals, who string) nats.Option {
	return nats.ReconnectHandler(func(nc *nats.Conn) {
		g.Warnf("%s: reconnected to %s", who, nc.ConnectedUrlRedacted())
	})
}

func errOrOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

type brokerOptions struct {
	Listen          string
	Store           string
	SyncAlways      bool
	TokenFile       string
	UsersFile       string
	ConfigFile      string
	TLSCert, TLSKey string
	TLSCA           string
	InsecureNoAuth  bool
	Name            string
	ClusterListen   string
	ClusterName     string
	Routes          []string
	Retention       time.Duration
}

func (o *brokerOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Listen, "listen", "127.0.0.1:4222", "host:port to listen on")
	f.StringVar(&o.Store, "store", "", "folder for JetStream data, kept across restarts; one broker at a time (default: $XDG_STATE_HOME/fanout/broker, or ~/.local/state/fanout/broker)")
	f.BoolVar(&o.SyncAlways, "fsync-always", false, "write every message to disk before acknowledging it (default: flushed every second; a power loss may lose the last second)")
	f.StringVar(&o.TokenFile, "auth-token-file", "", "require this token (the file's first line) of every client: nats://TOKEN@host:port")
	f.StringVar(&o.UsersFile, "auth-users", "", "require a user of this file (lines name:password; a password may be a bcrypt hash): nats://name:password@host:port")
	f.StringVar(&o.ConfigFile, "config", "", "a NATS server configuration file (accounts, permissions, TLS, clustering); --listen and --store apply on top")
	f.StringVar(&o.TLSCert, "tls-cert", "", "serve TLS with this certificate (PEM); clients connect with tls://")
	f.StringVar(&o.TLSKey, "tls-key", "", "the key of --tls-cert (PEM)")
	f.StringVar(&o.TLSCA, "tls-ca", "", "require client certificates signed by this CA (PEM)")
	f.BoolVar(&o.InsecureNoAuth, "insecure-no-auth", false, "allow listening on an address other than loopback with no authentication")
	f.StringVar(&o.Name, "name", "", "this broker's name; the brokers of one cluster need different names")
	f.StringVar(&o.ClusterListen, "cluster-listen", "", "host:port where this broker meets the others of a cluster (streams are then kept on 3 of them)")
	f.StringVar(&o.ClusterName, "cluster-name", "fanout", "the cluster's name, the same on every broker of it")
	f.StringSliceVar(&o.Routes, "routes", nil, "the other brokers' --cluster-listen addresses, as nats-route://host:port, comma-separated")
	f.DurationVar(&o.Retention, "retention", 24*time.Hour, "how long runs, tasks and results are kept at most (the streams and the run bucket are set to it)")
}

// defaultStore is the broker's store folder when --store is not given: in
// the user's state folder, never one another broker shares by accident.
func defaultStore() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "fanout", "broker"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("broker: no --store and no home folder: %w", err)
	}
	return filepath.Join(home, ".local", "state", "fanout", "broker"), nil
}

func newBrokerCmd(g *Globals) *cobra.Command {
	var o brokerOptions
	cmd := &cobra.Command{
		Use:   "broker",
		Short: "Run an embedded NATS JetStream server for workers and submitters",
		Long: `Run a NATS server with JetStream in this process until Ctrl-C, so that
'fanout worker' and 'fanout ... --nats' need nothing else installed. Any
NATS server with JetStream enabled serves as well.

The broker listens on loopback unless --listen says otherwise, and it
refuses any other address without authentication: whoever holds the
credentials (a token, a user, a client certificate) can read every task
and result, submit work that workers run (fetch URLs, read and write
image paths the workers can reach), and delete the streams; results are
checked against a per-task token, so one client cannot answer another's
tasks it was not given.

Queued tasks and results are kept in the store folder (--store), so they
survive a restart of the broker; one broker at a time may use a store.
Stored data is flushed to disk every second: a crash of the process loses
nothing, a power loss at most the last second (--fsync-always: nothing,
at a cost in throughput).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if o.Retention < time.Minute {
				return Usagef("usage: --retention must be at least 1m, not %v", o.Retention)
			}
			store := o.Store
			if store == "" {
				var err error
				if store, err = defaultStore(); err != nil {
					return err
				}
			}
			cfg := cluster.ServerConfig{Listen: o.Listen, StoreDir: store, SyncAlways: o.SyncAlways,
				ConfigFile: o.ConfigFile, TLSCert: o.TLSCert, TLSKey: o.TLSKey, TLSCA: o.TLSCA, AllowNoAuth: o.InsecureNoAuth,
				Name: o.Name, ClusterListen: o.ClusterListen, ClusterName: o.ClusterName, Routes: o.Routes}
			var err error
			if o.TokenFile != "" {
				if cfg.Token, err = readToken(o.TokenFile); err != nil {
					return err
				}
			}
			if o.UsersFile != "" {
				if cfg.Users, err = readUsers(o.UsersFile); err != nil {
					return err
				}
			}
			s, err := cluster.StartServer(ctx, cfg)
			if errors.Is(err, cluster.ErrNoAuth) {
				return Usagef("usage: %v: give --auth-token-file, --auth-users, --tls-ca or --config (or --insecure-no-auth)", err)
			}
			if err != nil {
				return err
			}
			if !g.Quiet {
				g.Warnf("fanout broker: listening on %s, store %s", s.URL(), store)
			}
			defer s.Shutdown()
			if os.Getenv("GOMEMLIMIT") == "" {
				defer followLiveHeap(brokerMemoryFloor)()
			}
			// The broker owns the streams: their retention is its own.
			// On a cluster this waits for the others to join.
			setupCtx, stopSetup := context.WithCancel(ctx)
			setupDone := make(chan struct{})
			go func() {
				defer close(setupDone)
				err := s.Setup(setupCtx, cluster.Config{Retention: o.Retention})
				switch {
				case errors.Is(err, cluster.ErrNoSetup):
					if !g.Quiet {
						g.Warnf("fanout broker: %v (--retention does not apply)", err)
					}
				case err != nil && setupCtx.Err() == nil:
					g.Warnf("fanout broker: %v", err)
				}
			}()
			defer func() { stopSetup(); <-setupDone }()
			stopPage, err := startBrokerLive(ctx, g, s, cluster.Config{Retention: o.Retention})
			if err != nil {
				return err
			}
			defer stopPage()
			fmt.Fprintf(g.Stdout, "%s\n", s.URL())
			if err := g.Stdout.Flush(); err != nil {
				return err
			}
			<-ctx.Done()
			return context.Cause(ctx)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}
