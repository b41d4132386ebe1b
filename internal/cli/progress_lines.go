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
	start time.Time
	done  atomic.Int64
	quit  chan struct{}
	wg    sync.WaitGroup
}

const linesEvery = 2 * time.Second

func startLines(g *Globals, noun string, total int) *progressLines {
	l := &progressLines{g: g, noun: noun, total: total, start: time.Now(), quit: make(chan struct{})}
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
				g.Warnf("%s", l.line(int(l.done.Load()), now.Sub(l.start)))
			}
		}
	}()
	return l
}

func (l *progressLines) set(done int) { l.done.Store(int64(done)) }

func (l *progressLines) stop() {
	close(l.quit)
	l.wg.Wait()
}

// line describes done items after elapsed time.
func (l *progressLines) line(done int, elapsed time.Duration) string {
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	if l.total <= 0 {
		return fmt.Sprintf("%s %d, %.0f/s", l.noun, done, rate)
	}
	s := fmt.Sprintf("%s %d / %d (%.0f%%), %.0f/s", l.noun, done, l.total, 100*float64(done)/float64(l.total), rate)
	if rate > 0 && done < l.total {
		eta := time.Duration(float64(l.total-done) / rate * float64(time.Second))
		s += ", ETA " + eta.Round(time.Second).String()
	}
	return s
}
