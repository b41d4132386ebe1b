package cli

import (
	"errors"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progressBar shows done/total, rate and ETA on stderr: a bar redrawn in
// place on a terminal, or a plain line every few seconds into a file or a
// pipe (--progress always), where a redrawn bar would be noise.
type progressBar struct {
	g     *Globals
	p     *mpb.Progress // nil for plain lines
	bar   *mpb.Bar
	lines *progressLines
	last  time.Time
	done  atomic.Int64 // items
	bytes int64        // of the input, when its size is known
	total int
	size  int64     // the input's bytes, or 0
	last0 time.Time // when the bar started
}

// startProgress returns a bar when --progress asks for one, or nil.
// With total items unknown, size (the input's bytes, when known) measures
// how far the run is.
func (g *Globals) startProgress(noun string, total int, size int64) *progressBar {
	show := g.Progress == "always" || (g.Progress == "auto" && g.stderrIsTTY)
	if !show || g.Quiet {
		return nil
	}
	if total > 0 {
		size = 0
	}
	if !g.stderrIsTTY {
		return &progressBar{g: g, total: total, size: size, lines: startLines(g, noun, total, size)}
	}
	b := &progressBar{g: g, total: total, size: size}
	// The decorators take about this many columns; what is left of the
	// terminal's width is the bar's. On a narrow terminal the rate and ETA
	// go, so that the line never wraps.
	cols := terminalWidth(g.Stderr)
	digits := len(strconv.Itoa(max(total, 999999)))
	fixed := len(noun) + 1 + 2*digits + 3
	full := fixed+24 < cols-12
	p := mpb.New(mpb.WithOutput(g.Stderr), mpb.WithWidth(32), mpb.WithRefreshRate(120*time.Millisecond), mpb.WithAutoRefresh())
	name := decor.Name(noun+" ", decor.WC{W: len(noun) + 1})
	var bar *mpb.Bar
	items := decor.Any(func(decor.Statistics) string { return strconv.FormatInt(b.done.Load(), 10) })
	rate := decor.Any(func(st decor.Statistics) string {
		return strconv.FormatFloat(float64(b.done.Load())/max(time.Since(b.last0).Seconds(), 1e-3), 'f', 0, 64) + "/s"
	})
	b.last0 = time.Now()
	switch {
	case size > 0 && full:
		bar = p.AddBar(size,
			mpb.PrependDecorators(name, items),
			mpb.AppendDecorators(decor.NewPercentage(" %d"), decor.Name(" "), rate, decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
		)
	case size > 0:
		bar = p.AddBar(size, mpb.PrependDecorators(name, items), mpb.AppendDecorators(decor.NewPercentage(" %d")))
	case total > 0 && full:
		bar = p.AddBar(int64(total),
			mpb.PrependDecorators(name, decor.CountersNoUnit("%d / %d")),
			mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f/s"), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
		)
	case total > 0:
		bar = p.AddBar(int64(total), mpb.PrependDecorators(name, decor.CountersNoUnit("%d / %d")))
	default:
		bar = p.New(0, mpb.SpinnerStyle(),
			mpb.PrependDecorators(name, decor.CurrentNoUnit("%d")),
			mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f/s")),
		)
	}
	g.setProgressSink(p)
	b.p, b.bar = p, bar
	return b
}

// terminalWidth is the width of the terminal w writes to, 80 if unknown.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// update moves the bar to done items, at most every 50ms.
func (b *progressBar) update(done int, bytes int64) {
	b.done.Store(int64(done))
	b.bytes = min(bytes, b.size)
	if b.lines != nil {
		b.lines.set(done, b.bytes)
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 50*time.Millisecond && done != b.total {
		return
	}
	b.last = now
	b.bar.SetCurrent(b.current())
}

// current is where the bar is: bytes when the input's size is known.
func (b *progressBar) current() int64 {
	if b.size > 0 {
		return b.bytes
	}
	return b.done.Load()
}

// stop completes the bar (or drops it when the run did not finish) and
// waits for its last frame.
func (b *progressBar) stop(finished bool) {
	if b.lines != nil {
		b.lines.stop()
		return
	}
	b.bar.SetCurrent(b.current())
	if finished {
		b.bar.SetTotal(-1, true)
	} else {
		b.bar.Abort(false)
	}
	b.g.setProgressSink(nil)
	b.p.Wait()
}

// setProgressSink sends the lines of Warnf through w (a bar's writer,
// which prints them above the bar), or straight to stderr when w is nil.
func (g *Globals) setProgressSink(w io.Writer) {
	g.warnMu.Lock()
	defer g.warnMu.Unlock()
	g.progressSink = w
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}
