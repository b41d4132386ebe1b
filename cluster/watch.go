package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// watchdog bounds every wait of a Client: it fails the run's waiting calls
// when the broker is lost (or stops answering) for longer than
// Config.BrokerTimeout, when a stream is deleted, and one call when its
// task is no longer queued yet has no result.
type watchdog struct {
	c *Client

	mu        sync.Mutex
	downSince time.Time // when the connection was lost, or zero
	created   map[string]time.Time
	checked   map[string]time.Time // calls' last given-up check
	resumed   time.Time            // when checkResults last read the results again

	quit, done chan struct{}
	started    bool
	stopOnce   sync.Once
}

// watchEvery is how often the watchdog looks.
const watchEvery = time.Second

func newWatchdog(c *Client) *watchdog {
	return &watchdog{c: c, created: map[string]time.Time{}, checked: map[string]time.Time{},
		quit: make(chan struct{}), done: make(chan struct{})}
}

func (w *watchdog) disconnected() {
	w.mu.Lock()
	if w.downSince.IsZero() {
		w.downSince = time.Now()
	}
	w.mu.Unlock()
}

func (w *watchdog) reconnected() {
	w.mu.Lock()
	w.downSince = time.Time{}
	w.mu.Unlock()
}

// start notes which streams the run began with and starts watching.
func (w *watchdog) start(ctx context.Context) error {
	for _, name := range []string{w.c.cfg.Stream, w.c.cfg.ResultStream} {
		s, err := w.c.js.Stream(ctx, name)
		if err != nil {
			return fmt.Errorf("cluster: stream %s: %w", name, err)
		}
		w.created[name] = s.CachedInfo().Created
	}
	if w.started {
		return nil
	}
	w.started = true
	go w.loop()
	return nil
}

// stop ends the watch and waits for it.
func (w *watchdog) stop() {
	w.stopOnce.Do(func() {
		close(w.quit)
		if w.started {
			<-w.done
		}
	})
}

func (w *watchdog) loop() {
	defer close(w.done)
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	var silentSince time.Time // the broker is connected but does not answer
	for n := 0; ; n++ {
		select {
		case <-w.quit:
			return
		case <-tick.C:
		}
		timeout := w.c.cfg.BrokerTimeout
		w.mu.Lock()
		down := w.downSince
		w.mu.Unlock()
		if !down.IsZero() {
			if time.Since(down) > timeout {
				w.c.failAll(fmt.Errorf("%w: no connection to the broker for %v", ErrBrokerLost, timeout))
			}
			continue
		}
		if n%3 != 0 {
			continue
		}
		ok, err := w.lookAtStreams()
		switch {
		case err != nil:
			w.c.failAll(err)
		case !ok && silentSince.IsZero():
			silentSince = time.Now()
		case !ok && time.Since(silentSince) > timeout:
			w.c.failAll(fmt.Errorf("%w: the broker has not answered for %v", ErrBrokerLost, timeout))
		case ok:
			silentSince = time.Time{}
			w.lookForVanishedTasks()
			w.checkResults()
		}
	}
}

// lookAtStreams checks that both streams are the ones the run began with.
// ok is false when the broker did not answer; err is set when a stream is
// gone.
func (w *watchdog) lookAtStreams() (ok bool, err error) {
	for _, name := range []string{w.c.cfg.Stream, w.c.cfg.ResultStream} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		s, err := w.c.js.Stream(ctx, name)
		cancel()
		switch {
		case errors.Is(err, jetstream.ErrStreamNotFound):
			return true, fmt.Errorf("%w: %s was deleted", ErrStreamGone, name)
		case err != nil:
			return false, nil
		case !s.CachedInfo().Created.Equal(w.created[name]):
			return true, fmt.Errorf("%w: %s was deleted and made anew", ErrStreamGone, name)
		}
	}
	return true, nil
}

// lookForVanishedTasks fails a call whose task is no longer in the task
// stream (given up, or removed by hand) while no result for it exists: a
// call that waits for longer than twice AckWait is looked at once per
// AckWait, at most 64 a time.
func (w *watchdog) lookForVanishedTasks() {
	c := w.c
	ackWait := c.cfg.AckWait
	now := time.Now()
	type waiting struct {
		seq       string
		streamSeq uint64
	}
	var look []waiting
	c.mu.Lock()
	for seq, cl := range c.waiting {
		if cl.streamSeq == 0 || now.Sub(cl.since) < 2*ackWait || now.Sub(w.checked[seq]) < ackWait {
			continue
		}
		look = append(look, waiting{seq, cl.streamSeq})
		if len(look) == 64 {
			break
		}
	}
	c.mu.Unlock()
	for k := range w.checked {
		c.mu.Lock()
		_, still := c.waiting[k]
		c.mu.Unlock()
		if !still {
			delete(w.checked, k)
		}
	}
	for _, l := range look {
		w.checked[l.seq] = now
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		s, err := c.js.Stream(ctx, c.cfg.Stream)
		if err == nil {
			_, err = s.GetMsg(ctx, l.streamSeq)
		}
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			rs, rerr := c.js.Stream(ctx, c.cfg.ResultStream)
			if rerr == nil {
				_, rerr = rs.GetLastMsgForSubject(ctx, c.cfg.resultSubject(c.run, l.seq))
			}
			if errors.Is(rerr, jetstream.ErrMsgNotFound) {
				c.fail(l.seq, fmt.Errorf("%w: the task is no longer queued and no worker sent its result", ErrGivenUp))
			}
		}
		cancel()
	}
}
