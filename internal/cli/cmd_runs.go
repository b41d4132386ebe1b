package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/cluster"
)

func newRunsCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "runs --nats URL",
		Short: "List the cluster's runs, newest first",
		Long: `List the runs the broker given with --nats knows, newest first: each
run's id, job, state, when it started, its counts and the submitter's host.

A run is running while its submitter is at work, and then finished (every
task it sent was answered) or stopped (it ended with tasks unanswered:
Ctrl-C, a lost broker). A run withdrawn with 'fanout cancel' is cancelled;
one whose submitter went silent (killed, or its machine asleep) for longer
than 3 minutes is abandoned by the first worker that takes one of its
tasks, rather than run for nobody. Records are kept for the broker's
retention time (24 hours).

--json prints one object per run: id, job, state, created and updated
(RFC 3339), total, done, failed, pending, host, pid, reason, settings.`,
		Example: `  fanout runs --nats nats://broker:4222
  fanout runs --json | jq 'select(.state == "running") | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRuns(cmd.Context(), g) },
	}
}

func newCancelCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel --nats URL RUN...",
		Short: "Cancel cluster runs: withdraw their tasks and stop those running",
		Long: `Cancel each RUN (an id from 'fanout runs', or the one a submitter prints
when it starts): its tasks are withdrawn from the queue, the ones running
stop at their worker's next heartbeat, and its submitter's waiting items
fail with "run cancelled" within seconds. Cancelling a run that has ended
changes nothing.`,
		Example: `  fanout cancel --nats nats://broker:4222 vx49jpILF1n8GUfH7KtwSh`,
		Args:    cobra.MinimumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runCancel(cmd.Context(), g, args) },
	}
}

// dialBroker connects to the broker of --nats for a command that only
// looks at it or changes its records.
func dialBroker(ctx context.Context, g *Globals, what string) (*cluster.Client, error) {
	if g.NATS == "" {
		return nil, Usagef("usage: %s needs --nats URL (or $FANOUT_NATS)", what)
	}
	opts, err := g.NATSAuth.options()
	if err != nil {
		return nil, err
	}
	return cluster.Dial(ctx, g.NATS, cluster.Config{BrokerTimeout: g.BrokerTimeout}, opts...)
}

// runJSON is a run as `fanout runs --json` prints it.
type runJSON struct {
	cluster.Run
	Pending int64 `json:"pending"`
}

func runRuns(ctx context.Context, g *Globals) error {
	c, err := dialBroker(ctx, g, "runs")
	if err != nil {
		return err
	}
	defer c.Close()
	runs, err := c.Runs(ctx)
	if err != nil {
		return err
	}
	if g.JSON {
		for _, r := range runs {
			if err := g.WriteJSON(runJSON{r, r.Pending()}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(runs) == 0 {
		if !g.Quiet {
			g.Warnf("no runs on %s", redact(g.NATS))
		}
		return nil
	}
	tw := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tJOB\tSTATE\tSTARTED\tDONE\tFAILED\tTOTAL\tSUBMITTER")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.ID, r.Job, stateText(r),
			r.Created.Local().Format("2006-01-02 15:04:05"), r.Done, r.Failed, r.Total, shown(fmt.Sprintf("%s (pid %d)", r.Host, r.PID)))
	}
	return tw.Flush()
}

// stateText is a run's state with what a reader needs to know about it:
// why it ended, or how long a running one's submitter has been silent.
func stateText(r cluster.Run) string {
	switch {
	case r.Reason != "":
		return r.State + " (" + shown(r.Reason) + ")"
	case r.State == cluster.StateRunning:
		if quiet := time.Since(r.Updated); quiet > 30*time.Second {
			return fmt.Sprintf("running (submitter silent for %v)", quiet.Round(time.Second))
		}
	}
	return r.State
}

func runCancel(ctx context.Context, g *Globals, ids []string) error {
	c, err := dialBroker(ctx, g, "cancel")
	if err != nil {
		return err
	}
	defer c.Close()
	host, _ := os.Hostname()
	failed := 0
	for _, id := range ids {
		r, n, err := c.Cancel(ctx, strings.TrimSpace(id), "fanout cancel on "+host)
		switch {
		case errors.Is(err, cluster.ErrNoRun):
			g.Warnf("%s: no such run on %s", shown(id), redact(g.NATS))
			failed++
		case errors.Is(err, cluster.ErrRunEnded):
			fmt.Fprintf(g.Stdout, "%s: already %s, nothing to do\n", r.ID, stateText(r))
		case err != nil:
			g.Warnf("%s: %v", shown(id), err)
			failed++
		default:
			fmt.Fprintf(g.Stdout, "%s: cancelled, %d tasks withdrawn\n", r.ID, n)
		}
	}
	if failed > 0 {
		return errReported{&FailedError{Failed: failed, Total: len(ids), Noun: "runs"}}
	}
	return nil
}
