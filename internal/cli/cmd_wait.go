package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/prime"
	"github.com/fanout-dev/fanout/thumb"
	"github.com/fanout-dev/fanout/title"
)

func newWaitCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "wait --nats URL RUN",
		Short: "Show a cluster run's results, from any machine, as its submitter would",
		Long: `Follow RUN (an id from 'fanout runs', or the one its submitter printed)
and print its results exactly as its submitter prints them: in the run's
own output format and order (input order, or completion order for a run
started with --unordered), with the same error lines and exit status. It
works while the run goes on, and after it has ended, for as long as the
broker keeps it (24 hours by default). While it follows a run, workers do
not take the run for abandoned if its submitter dies: the run finishes,
and its results are here.

Runs of primes (lists of numbers and ranges), titles and thumbs can be
followed. For thumbs, wait writes each thumbnail that comes back
where its submitter would have (relative paths are taken from the
submitter's working folder), atomically, and leaves alone one already
written; thumbnails the submitter found up to date, and the contact
sheet, are its own: run the same thumbs command again to finish them. A run stopped with Ctrl-C, or cancelled, withdrew its
tasks: there is nothing to show but what its record says.`,
		Example: `  fanout wait --nats nats://broker:4222 vx49jpILF1n8GUfH7KtwSh > primes.txt`,
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runWait(cmd.Context(), g, args[0]) },
	}
}

func runWait(ctx context.Context, g *Globals, id string) error {
	c, err := dialBroker(ctx, g, "wait")
	if err != nil {
		return err
	}
	defer c.Close()
	f, err := c.Follow(ctx, id)
	if errors.Is(err, cluster.ErrNoRun) {
		return fmt.Errorf("%s: no such run on %s (ended longer ago than the broker keeps runs?)", shown(id), redact(g.NATS))
	}
	if err != nil {
		return err
	}
	defer f.Close()
	rec := f.Record()
	if !g.Quiet {
		g.Warnf("fanout: following run %s: %s from %s (pid %d), %s", rec.ID, rec.Job, shown(rec.Host), rec.PID, stateText(rec))
	}
	g.Retries = 0 // a result is what it is: nothing to retry here
	switch rec.Job {
	case prime.Job.Name:
		err = waitPrimes(ctx, g, f, rec)
	case prime.RangeJob.Name:
		err = waitRange(ctx, g, f, rec)
	case title.Job.Name:
		err = waitTitles(ctx, g, f, rec)
	case thumb.Job.Name:
		err = waitThumbs(ctx, g, f, rec)
	default:
		return fmt.Errorf("wait: runs of %s cannot be followed yet", rec.Job)
	}
	return ended(g, f, err)
}

// ended adds to a replay's outcome what the run's record says: a run that
// did not finish leaves its items unanswered, and that is a failure.
func ended(g *Globals, f *cluster.Follower, err error) error {
	rec := f.Record()
	if rec.State == cluster.StateFinished {
		return err
	}
	var why error
	if rec.State == cluster.StateRunning {
		// The input ended only in that the submitter fell silent.
		g.Warnf("fanout: run %s: its submitter (%s, pid %d) went silent after sending %d items: they are all above, but it may have had more", rec.ID, shown(rec.Host), rec.PID, f.Sent())
		why = fmt.Errorf("run %s: submitter gone", rec.ID)
	} else {
		g.Warnf("fanout: run %s is %s; its items from there on were not run", rec.ID, stateText(rec))
		why = fmt.Errorf("run %s is %s", rec.ID, rec.State)
	}
	if err != nil {
		return err // its own lines are out already
	}
	return errReported{why}
}

func waitPrimes(ctx context.Context, g *Globals, f *cluster.Follower, rec cluster.Run) error {
	settings, err := prime.Job.DecodeSettings(rec.Settings)
	if err != nil {
		return err
	}
	var d primesDisplay
	if len(rec.Display) > 0 {
		if err := json.Unmarshal(rec.Display, &d); err != nil {
			return fmt.Errorf("wait: run %s: display: %w", rec.ID, err)
		}
	}
	g.HaltOnError = d.HaltOnError
	inputs, job, failed := cluster.Replay[prime.Chunk, prime.Checked](ctx, f, rec.Job)
	ctx, w := newPrimesWriter(ctx, g, settings)
	defer w.halt(nil)
	err = Drive(ctx, g, Task[prime.Chunk, prime.Checked]{
		Job: job, Inputs: inputs, Ordered: d.Ordered, Noun: "numbers", SelfCounted: true, Emit: w.emit,
		NoInput: "no numbers: run " + rec.ID + " sent none",
	})
	if *failed != nil && err == nil {
		err = *failed
	}
	if w.halted {
		return errReported{errHaltedOnBadLine}
	}
	return err
}

func waitTitles(ctx context.Context, g *Globals, f *cluster.Follower, rec cluster.Run) error {
	if _, err := title.Job.DecodeSettings(rec.Settings); err != nil {
		return err
	}
	var d titlesDisplay
	if len(rec.Display) > 0 {
		if err := json.Unmarshal(rec.Display, &d); err != nil {
			return fmt.Errorf("wait: run %s: display: %w", rec.ID, err)
		}
	}
	g.JSON = d.JSON
	o := titlesOptions{Ordered: d.Ordered, TitleOnly: d.TitleOnly}
	urls, job, failed := cluster.Replay[string, title.Page](ctx, f, rec.Job)
	inputs := func(yield func(urlLine) bool) {
		for u := range urls {
			if !yield(urlLine{url: u}) {
				return
			}
		}
	}
	err := Drive(ctx, g, Task[urlLine, title.Page]{
		Job: lineJob(job), Inputs: iter.Seq[urlLine](inputs), Ordered: d.Ordered, Noun: "URLs", Name: urlLine.String,
		NoInput: "no URLs: run " + rec.ID + " sent none",
		Emit:    func(r engine.Result[urlLine, title.Page], _ *Report) error { return emitTitle(g, o, r) },
	})
	if *failed != nil && err == nil {
		err = *failed
	}
	return err
}

func waitThumbs(ctx context.Context, g *Globals, f *cluster.Follower, rec cluster.Run) error {
	if _, err := thumb.Job.DecodeSettings(rec.Settings); err != nil {
		return err
	}
	var d thumbsDisplay
	if len(rec.Display) > 0 {
		if err := json.Unmarshal(rec.Display, &d); err != nil {
			return fmt.Errorf("wait: run %s: display: %w", rec.ID, err)
		}
	}
	g.JSON = d.JSON
	items, job, failed := cluster.Replay[thumb.Item, thumb.Done](ctx, f, rec.Job)
	files, result := f.Files(), job.Run
	job.Run = func(ctx context.Context, it thumb.Item) (thumb.Done, error) {
		done, err := result(ctx, it)
		if err != nil || it.Object == "" { // --store: the worker wrote them
			return done, err
		}
		local := it
		local.Outs = make([]string, len(it.Outs))
		for i, o := range it.Outs {
			local.Outs[i] = o
			if !filepath.IsAbs(o) {
				local.Outs[i] = filepath.Join(d.Dir, o)
			}
		}
		done, err = thumb.Save(local, done)
		if err == nil && it.Object != "" {
			_ = files.Delete(ctx, it.Object) // past the retention time, the broker drops it anyway
		}
		return done, err
	}
	show := &thumbsShow{g: g}
	err := Drive(ctx, g, Task[thumb.Item, thumb.Done]{
		Job: job, Inputs: items, Noun: "images", Name: func(it thumb.Item) string { return it.Src },
		NoInput: "no images: run " + rec.ID + " sent none",
		Emit:    func(r engine.Result[thumb.Item, thumb.Done], _ *Report) error { return show.emit(r) },
	})
	show.summary()
	if *failed != nil && err == nil {
		err = *failed
	}
	return err
}

func waitRange(ctx context.Context, g *Globals, f *cluster.Follower, rec cluster.Run) error {
	settings, err := prime.RangeJob.DecodeSettings(rec.Settings)
	if err != nil {
		return err
	}
	var d rangeDisplay
	if err := json.Unmarshal(rec.Display, &d); err != nil {
		return fmt.Errorf("wait: run %s: display: %w", rec.ID, err)
	}
	g.JSON = settings.JSON
	spans, job, failed := cluster.Replay[prime.Span, prime.Sieved](ctx, f, rec.Job)
	err = driveRange(ctx, g, job, spans, d, settings.Count)
	if *failed != nil && err == nil {
		err = *failed
	}
	return err
}
