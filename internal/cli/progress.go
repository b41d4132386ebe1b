package cli

import (
	"errors"
	"io"
	"syscall"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progressBar shows done/total, rate and ETA on stderr.
type progressBar struct {
	g     *Globals
	p     *mpb.Progress
	bar   *mpb.Bar
	last  time.Time
	done  int
	total int
}

// startProgress returns a bar when --progress asks for one, or nil.
func (g *Globals) startProgress(noun string, total int) *progressBar {
	show := g.Progress == "always" || (g.Progress == "auto" && g.stderrIsTTY)
	if !show || g.Quiet {
		return nil
	}
	// WithAutoRefresh: mpb draws on its own only on a terminal, and
	// --progress always asks for a bar on a pipe or file too.
	p := mpb.New(mpb.WithOutput(g.Stderr), mpb.WithWidth(32), mpb.WithRefreshRate(120*time.Millisecond), mpb.WithAutoRefresh())
	name := decor.Name(noun+" ", decor.WC{W: len(noun) + 1})
	var bar *mpb.Bar
	if total > 0 {
		bar = p.AddBar(int64(total),
			mpb.PrependDecorators(name, decor.CountersNoUnit("%d / %d")),
			mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f/s"), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
		)
	} else {
		bar = p.New(0, mpb.SpinnerStyle(),
			mpb.PrependDecorators(name, decor.CurrentNoUnit("%d")),
			mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f/s")),
		)
	}
	g.progressSink = p
	return &progressBar{g: g, p: p, bar: bar, total: total}
}

// update moves the bar to done items, at most every 50ms.
func (b *progressBar) update(done int) {
	b.done = done
	now := time.Now()
	if now.Sub(b.last) < 50*time.Millisecond && done != b.total {
		return
	}
	b.last = now
	b.bar.SetCurrent(int64(done))
}

// stop completes the bar (or drops it when the run did not finish) and
// waits for its last frame.
func (b *progressBar) stop(finished bool) {
	b.bar.SetCurrent(int64(b.done))
	if finished {
		b.bar.SetTotal(-1, true)
	} else {
		b.bar.Abort(false)
	}
	b.p.Wait()
	b.g.progressSink = nil
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}
