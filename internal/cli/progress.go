package cli

import (
	"errors"
	"io"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fanout-dev/fanout/internal/engine"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progressBar shows done/total, rate and ETA on stderr.
type progressBar struct {
	g     *Globals
	p     *mpb.Progress
	bar   *mpb.Bar
	last  time.Time
	done  atomic.Int64
	total int
}

// startProgress returns a bar when --progress asks for one, or nil.
func (g *Globals) startProgress(noun string, total int) *progressBar {
	show := g.Progress == "always" || (g.Progress == "auto" && g.stderrIsTTY)
	if !show || g.Quiet {
		return nil
	}
	p := mpb.New(mpb.WithOutput(g.Stderr), mpb.WithWidth(32), mpb.WithRefreshRate(120*time.Millisecond))
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

// update is engine.Options.OnProgress: it moves the bar at most every 50ms.
func (b *progressBar) update(pr engine.Progress) {
	now := time.Now()
	if now.Sub(b.last) < 50*time.Millisecond && pr.Done != pr.Total {
		return
	}
	b.last = now
	b.bar.SetCurrent(int64(pr.Done))
}

// stop completes the bar (or drops it when the run did not finish) and
// waits for its last frame.
func (b *progressBar) stop(finished bool) {
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
