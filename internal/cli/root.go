package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Globals are the flags every subcommand shares, and the process's
// standard streams.
type Globals struct {
	Jobs          int    // -j: workers; 0 means the job's default
	JSON          bool   // --json: one JSON object per item on stdout
	Progress      string // --progress: auto, always or never
	Quiet         bool   // --quiet: no summary line, no progress bar
	Retries       int    // --retries: extra attempts for transient errors
	HaltOnError   bool   // --halt-on-error: stop at the first failed item
	NATS          string // --nats: run the items on cluster workers through this server
	natsFlag      bool   // --nats was given on the command line, not only $FANOUT_NATS
	NATSAuth      natsFlags
	BrokerTimeout time.Duration // --broker-timeout: how long a submitter waits for a lost broker
	HTTP          httpFlags     // --http, --http-token: a live page of the run (job commands)
	Stdin         io.Reader
	Stdout        *bufio.Writer // buffered; the driver flushes it
	Stderr        io.Writer
	stdoutIsTTY   bool
	stderrIsTTY   bool
	jsonEncoder   *json.Encoder
	progressSink  io.Writer  // where error lines go while a bar is shown
	warnMu        sync.Mutex // Warnf from more than one goroutine
}

// Env is what a command needs from the process: its streams.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// OSEnv returns the process's own standard streams.
func OSEnv() Env { return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr} }

// Execute runs fanout with args (without the program name) and returns the
// process exit status. Error messages are printed to env.Stderr.
func Execute(ctx context.Context, env Env, args []string) int {
	g := &Globals{
		Stdin:       cancelableStdin(ctx, env.Stdin),
		Stdout:      bufio.NewWriterSize(env.Stdout, 64<<10),
		Stderr:      env.Stderr,
		stdoutIsTTY: isTerminal(env.Stdout),
		stderrIsTTY: isTerminal(env.Stderr),
	}
	// Say that Ctrl-C was seen, above the progress bar if one is drawn
	// (a line written past the bar would be drawn over).
	noticed := make(chan struct{})
	stopNotice := context.AfterFunc(ctx, func() {
		defer close(noticed)
		if context.Cause(ctx) == ErrInterrupted {
			g.Warnf("fanout: stopping; press Ctrl-C again to quit at once")
		}
	})
	defer func() {
		if !stopNotice() { // it ran, or runs: let it finish first
			<-noticed
		}
	}()
	root := NewRootCmd(g)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if ferr := g.Stdout.Flush(); err == nil && ferr != nil && !isBrokenPipe(ferr) {
		err = fmt.Errorf("write output: %w", ferr)
	}
	if err != nil {
		var done errReported
		if !errors.As(err, &done) && !errors.Is(err, ErrInterrupted) {
			fmt.Fprintln(env.Stderr, "fanout:", err)
		}
		var usage *UsageError
		if errors.As(err, &usage) && strings.HasPrefix(usage.Msg, "usage:") {
			fmt.Fprintln(env.Stderr, "Run 'fanout help' for usage.")
		}
	}
	return ExitCode(err)
}

// NewRootCmd returns the fanout command with its subcommands.
func NewRootCmd(g *Globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "fanout",
		Short: "Run batch work concurrently: thumbnails, primes, page titles",
		Long: `fanout runs batch work on all cores of this machine: it makes image
thumbnails, checks numbers for primality and fetches the titles of web
pages. One bad item never stops the others: each failure is one line on
stderr naming the item and the reason, and the exit status tells the truth.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &UsageError{Msg: "usage: " + err.Error()}
	})
	pf := root.PersistentFlags()
	pf.IntVarP(&g.Jobs, "jobs", "j", 0, "items processed at once (default: the job's own, one per core for CPU work)")
	pf.BoolVar(&g.JSON, "json", false, "print one JSON object per item on stdout")
	pf.StringVar(&g.Progress, "progress", "auto", "progress bar on stderr: auto (when stderr is a terminal), always, never")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print no progress bar and no summary line")
	pf.IntVar(&g.Retries, "retries", 0, "extra attempts for an item whose error is transient")
	pf.BoolVar(&g.HaltOnError, "halt-on-error", false, "stop at the first item that fails")
	pf.StringVar(&g.NATS, "nats", os.Getenv("FANOUT_NATS"), "run items on 'fanout worker' processes through this NATS server, e.g. nats://TOKEN@host:4222 (default $FANOUT_NATS)")
	pf.DurationVar(&g.BrokerTimeout, "broker-timeout", time.Minute, "with --nats: how long to wait for a broker that is gone before the items still waiting fail")
	g.NATSAuth.AddFlags(pf)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		switch g.Progress {
		case "auto", "always", "never":
		default:
			return Usagef("usage: --progress must be auto, always or never, not %q", g.Progress)
		}
		if f := cmd.Flag("nats"); f != nil {
			g.natsFlag = f.Changed
		}
		if g.BrokerTimeout <= 0 {
			return Usagef("usage: --broker-timeout must be positive")
		}
		if g.Jobs < 0 || g.Retries < 0 {
			return Usagef("usage: -j and --retries must not be negative")
		}
		if cmd.Flags().Lookup("http") != nil {
			return g.HTTP.check(cmd)
		}
		return nil
	}
	jobCmds := []*cobra.Command{newThumbsCmd(g), newPrimesCmd(g), newTitlesCmd(g)}
	for _, c := range jobCmds {
		addHTTPFlags(c.Flags(), &g.HTTP)
	}
	root.AddCommand(jobCmds...)
	workerCmd, brokerCmd := newWorkerCmd(g), newBrokerCmd(g)
	addHTTPFlags(workerCmd.Flags(), &g.HTTP)
	addHTTPFlags(brokerCmd.Flags(), &g.HTTP)
	root.AddCommand(
		newVersionCmd(g),
		workerCmd,
		brokerCmd,
		newRunsCmd(g),
		newCancelCmd(g),
		newWaitCmd(g),
	)
	root.Args = cobra.NoArgs // an unknown subcommand is a usage error
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	// cobra's completion command prints its help for a shell it does not
	// know (tcsh) and succeeds: make that a usage error too.
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.Args = cobra.NoArgs
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, c := range append(root.Commands(), root) {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs makes cobra's argument checks usage errors (exit status 2).
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &UsageError{Msg: "usage: " + err.Error()}
		}
		return nil
	}
}

// WriteJSON writes v as one line of JSON on stdout.
func (g *Globals) WriteJSON(v any) error {
	if g.jsonEncoder == nil {
		g.jsonEncoder = json.NewEncoder(g.Stdout)
		g.jsonEncoder.SetEscapeHTML(false)
	}
	return g.jsonEncoder.Encode(v)
}

// Warnf prints one line on stderr, above the progress bar if one is shown.
func (g *Globals) Warnf(format string, args ...any) {
	g.warnMu.Lock()
	defer g.warnMu.Unlock()
	w := g.Stderr
	if g.progressSink != nil {
		w = g.progressSink
	}
	fmt.Fprintf(w, format+"\n", args...)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
