package cli

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// progressLines is --progress always where stderr is no terminal (a log
// file, a CI log): one whole line every linesEvery, "numbers 1200 / 5000
// (24%), 410/s, ETA 9s", and none once the run has ended.
type progressLines struct {
	g     *Globals
	noun  string
	total int
	size  int64 // the input's bytes when known and total is not
	start time.Time
	done  atomic.Int64
	bytes atomic.Int64
	quit  chan struct{}
	wg    sync.WaitGroup
}

const linesEvery = 2 * time.Second

func startLines(g *Globals, noun string, total int, size int64) *progressLines {
	l := &progressLines{g: g, noun: noun, total: total, size: size, start: time.Now(), quit: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		tick := time.NewTicker(linesEvery)
		defer tick.Stop()
		for {
			select {
			case <-l.quit:
				return
			case now := <-tick.C:
				g.Warnf("%s", l.line(int(l.done.Load()), l.bytes.Load(), now.Sub(l.start)))
			}
		}
	}()
	return l
}

func (l *progressLines) set(done int, bytes int64) {
	l.done.Store(int64(done))
	l.bytes.Store(bytes)
}

func (l *progressLines) stop() {
	close(l.quit)
	l.wg.Wait()
}

// line describes done items, and bytes of the input read, after elapsed
// time.
func (l *progressLines) line(done int, bytes int64, elapsed time.Duration) string {
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	var s string
	var part float64 // of the whole run, when known
	switch {
	case l.total > 0:
		part = float64(done) / float64(l.total)
		s = fmt.Sprintf("%s %d / %d (%.0f%%), %.0f/s", l.noun, done, l.total, 100*part, rate)
	case l.size > 0:
		part = min(float64(bytes)/float64(l.size), 1)
		s = fmt.Sprintf("%s %d (%.0f%% of the input), %.0f/s", l.noun, done, 100*part, rate)
	default:
		return fmt.Sprintf("%s %d, %.0f/s", l.noun, done, rate)
	}
	if part > 0 && part < 1 {
		eta := time.Duration(elapsed.Seconds() * (1 - part) / part * float64(time.Second))
		s += ", ETA " + eta.Round(time.Second).String()
	}
	return s
}
