package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// resultStall is how long a Client waits for results while some are
// overdue before it checks whether the broker holds one it never got.
const resultStall = 5 * time.Second

// readResults starts (or starts again) the ordered consumer of this run's
// results, from stream sequence from on (0: from the first).
func (c *Client) readResults(ctx context.Context, from uint64) error {
	occ := jetstream.OrderedConsumerConfig{FilterSubjects: []string{c.cfg.resultSubject(c.run, ">")}}
	if from > 0 {
		occ.DeliverPolicy, occ.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from
	}
	cons, err := c.js.OrderedConsumer(ctx, c.cfg.ResultStream, occ)
	if err != nil {
		return fmt.Errorf("cluster: read results: %w", err)
	}
	c.resMu.Lock()
	defer c.resMu.Unlock()
	if c.results != nil {
		c.results.Stop()
	}
	// The consumer's own errors need no handling: it resumes by itself,
	// the watchdog sees a deleted stream or a lost broker, and
	// checkResults a consumer that did not resume.
	c.results, err = cons.Consume(c.receive)
	if err != nil {
		return fmt.Errorf("cluster: read results: %w", err)
	}
	return nil
}

// stopResults stops reading results.
func (c *Client) stopResults() {
	c.resMu.Lock()
	defer c.resMu.Unlock()
	if c.results != nil {
		c.results.Stop()
	}
}

// checkResults reads the results again, from the last one received on,
// when none came for resultStall while calls wait, and the broker holds
// the result of the call that has waited longest: the ordered consumer
// did not resume after losing its server (seen once in a dozen kill -9s
// of one node of three, after a reconnect). Results read twice are
// dropped by receive.
func (w *watchdog) checkResults() {
	c := w.c
	if time.Since(time.Unix(0, c.lastResult.Load())) < resultStall || time.Since(w.resumed) < resultStall {
		return
	}
	var oldest string
	var since time.Time
	c.mu.Lock()
	for seq, cl := range c.waiting {
		if cl.streamSeq != 0 && (oldest == "" || cl.since.Before(since)) {
			oldest, since = seq, cl.since
		}
	}
	c.mu.Unlock()
	if oldest == "" || time.Since(since) < resultStall {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rs, err := c.js.Stream(ctx, c.cfg.ResultStream)
	if err == nil {
		_, err = rs.GetLastMsgForSubject(ctx, c.cfg.resultSubject(c.run, oldest))
	}
	if err != nil {
		return // no result yet (or no answer): nothing was missed
	}
	w.resumed = time.Now()
	c.readResults(ctx, c.resultSeq.Load()+1)
}
