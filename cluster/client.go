package cluster

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// Client submits tasks to workers and receives their results. A Client is
// one run: its tasks and results carry a run id of their own. Results are
// read from a JetStream stream, so a broker restart, a reconnect or a
// redelivered task never loses or doubles one. It is safe for concurrent
// use.
type Client struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg Config
	run string
	key []byte // for taskToken

	kv      jetstream.KeyValue // the run records
	rec     *record
	display json.RawMessage // for the run's record: see SetDisplay
	resMu   sync.Mutex      // guards results, which checkResults may replace
	results jetstream.ConsumeContext
	// lastResult is when a result last came (unix ns), resultSeq the
	// highest stream sequence of one: see checkResults.
	lastResult atomic.Int64
	resultSeq  atomic.Uint64
	maxDeliv   *nats.Subscription
	watch      *watchdog

	filesOnce sync.Once
	files     *Files

	mu       sync.Mutex
	seq      uint64
	waiting  map[string]*call
	byStream map[uint64]string // stream sequence of a task -> its seq
	closed   bool
	failed   error // set when the run can no longer get results
}

// call is one task waiting for its result.
type call struct {
	done      chan reply // gets exactly one reply
	streamSeq uint64     // the task's sequence in the task stream, once published
	since     time.Time
	parts     [][]byte // parts of a result split in several messages
	got       int
}

// reply is a result, or the reason there is none.
type reply struct {
	data []byte
	hdr  nats.Header
	err  error
}

// Dial connects to the NATS server at url, makes sure the streams and the
// workers' consumer exist (so tasks wait for workers that start later), and
// starts reading this run's results. opts are added to the connection's
// options (credentials, TLS, handlers).
func Dial(ctx context.Context, url string, cfg Config, opts ...nats.Option) (*Client, error) {
	cfg = cfg.withDefaults()
	c := &Client{cfg: cfg, run: nuid.Next(), key: make([]byte, 32), waiting: map[string]*call{}, byStream: map[uint64]string{}}
	if _, err := rand.Read(c.key); err != nil {
		return nil, fmt.Errorf("cluster: run key: %w", err)
	}
	c.watch = newWatchdog(c)
	c.rec = &record{c: c}
	base := []nats.Option{
		nats.Name("fanout submitter"), nats.Timeout(5 * time.Second),
		nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, _ error) { c.watch.disconnected() }),
		nats.ReconnectHandler(func(*nats.Conn) { c.watch.reconnected() }),
	}
	nc, err := nats.Connect(url, append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to %s: %w", Redact(url), err)
	}
	c.nc = nc
	// A broker that has just started (a cluster electing its leader) may
	// not serve JetStream yet: try for a while.
	deadline := time.Now().Add(min(cfg.BrokerTimeout, 30*time.Second))
	for {
		c.js, err = ensure(ctx, nc, cfg)
		if err == nil {
			c.kv, err = runBucket(ctx, c.js, cfg, 1)
		}
		if err == nil {
			err = c.watch.start(ctx)
		}
		if err == nil || ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		nc.Close()
		return nil, err
	}
	c.lastResult.Store(time.Now().UnixNano())
	if err := c.readResults(ctx, 0); err != nil {
		c.watch.stop()
		nc.Close()
		return nil, err
	}
	c.maxDeliv, err = nc.Subscribe(fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", cfg.Stream, cfg.Consumer), c.giveUp)
	if err == nil {
		err = nc.FlushTimeout(5 * time.Second)
	}
	if err != nil {
		c.stopResults()
		c.watch.stop()
		nc.Close()
		return nil, fmt.Errorf("cluster: subscribe to advisories: %w", err)
	}
	return c, nil
}

// SetDisplay stores, in the run's record, how the caller shows the run's
// results (as JSON: an order, an output format), so that fanout wait can
// show them the same way. Call it before the first task.
func (c *Client) SetDisplay(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cluster: display: %w", err)
	}
	c.display = b
	return nil
}

// Run is this client's run id, as its tasks and results carry it.
func (c *Client) Run() string { return c.run }

// receive takes one result message: it hands the result to the call
// waiting for it, once all its parts are in. A duplicate (from a
// redelivered task) or a late result finds nobody and is dropped, and so
// is a result without the task's token: a forgery.
func (c *Client) receive(m jetstream.Msg) {
	c.lastResult.Store(time.Now().UnixNano())
	if md, err := m.Metadata(); err == nil {
		for {
			old := c.resultSeq.Load()
			if md.Sequence.Stream <= old || c.resultSeq.CompareAndSwap(old, md.Sequence.Stream) {
				break
			}
		}
	}
	seq := m.Subject()[len(c.cfg.resultSubject(c.run, "")):]
	if !hmac.Equal([]byte(m.Headers().Get(hdrToken)), []byte(taskToken(c.key, c.run, seq))) {
		return
	}
	c.mu.Lock()
	cl := c.waiting[seq]
	if cl == nil {
		c.mu.Unlock()
		return
	}
	data := m.Data()
	if p := m.Headers().Get(hdrPart); p != "" {
		i, n, ok := parsePart(p)
		if !ok {
			c.mu.Unlock()
			return
		}
		if cl.parts == nil || len(cl.parts) != n {
			cl.parts, cl.got = make([][]byte, n), 0
		}
		if cl.parts[i] == nil {
			cl.parts[i] = data
			cl.got++
		}
		if cl.got < n {
			c.mu.Unlock()
			return
		}
		data = joinParts(cl.parts)
	}
	delete(c.waiting, seq)
	c.mu.Unlock()
	cl.done <- reply{data: data, hdr: m.Headers()}
}

// giveUp fails the call whose task the server stopped handing out.
func (c *Client) giveUp(m *nats.Msg) {
	var adv struct {
		StreamSeq  uint64 `json:"stream_seq"`
		Deliveries uint64 `json:"deliveries"`
	}
	if json.Unmarshal(m.Data, &adv) != nil {
		return
	}
	c.mu.Lock()
	seq, ok := c.byStream[adv.StreamSeq]
	c.mu.Unlock()
	if ok {
		c.fail(seq, fmt.Errorf("%w after %d deliveries: every worker that took it stopped before finishing", ErrGivenUp, adv.Deliveries))
	}
}

// fail ends the call seq, if it still waits, with err.
func (c *Client) fail(seq string, err error) {
	c.mu.Lock()
	cl := c.waiting[seq]
	delete(c.waiting, seq)
	c.mu.Unlock()
	if cl != nil {
		cl.done <- reply{err: err}
	}
}

// failAll ends every waiting call, and every later one, with err.
func (c *Client) failAll(err error) {
	c.mu.Lock()
	if c.failed == nil {
		c.failed = err
	}
	waiting := c.waiting
	c.waiting = map[string]*call{}
	c.mu.Unlock()
	for _, cl := range waiting {
		cl.done <- reply{err: err}
	}
}

func (c *Client) register() (string, *call, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return "", nil, errors.New("cluster: client closed")
	case c.failed != nil:
		return "", nil, c.failed
	}
	c.seq++
	seq := strconv.FormatUint(c.seq, 36)
	cl := &call{done: make(chan reply, 1), since: time.Now()}
	c.waiting[seq] = cl
	return seq, cl, nil
}

func (c *Client) published(seq string, cl *call, streamSeq uint64) {
	c.mu.Lock()
	c.byStream[streamSeq] = seq
	cl.streamSeq = streamSeq
	c.mu.Unlock()
}

func (c *Client) forget(seq string, streamSeq uint64) {
	c.mu.Lock()
	delete(c.waiting, seq)
	delete(c.byStream, streamSeq)
	c.mu.Unlock()
}

// publish sends a task, retrying while the broker is away, for as long as
// Config.BrokerTimeout allows. The task's message id makes a retried
// publish that did arrive count once.
func (c *Client) publish(ctx context.Context, msg *nats.Msg, id string) (*jetstream.PubAck, error) {
	deadline := time.Now().Add(c.cfg.BrokerTimeout)
	wait := 100 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ack, err := c.js.PublishMsg(pctx, msg, jetstream.WithMsgID(id))
		cancel()
		switch {
		case err == nil:
			return ack, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		if c.failedErr() != nil {
			return nil, c.failedErr()
		}
		if time.Now().After(deadline) {
			// A broker that takes no task for that long takes none:
			// the later tasks fail now, not one timeout each.
			err = fmt.Errorf("%w: publish task: %w", ErrBrokerLost, err)
			c.failAll(err)
			return nil, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func (c *Client) failedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

// Close ends the run: when some of its tasks are still unanswered (the
// run was interrupted), it withdraws its tasks and results; a finished
// run's are kept, until the retention time, for fanout wait. Then it
// stops reading results and closes the connection.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	finished := c.rec.stop()
	c.watch.stop()
	c.stopResults()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	purge := func(stream, subject string) {
		s, err := c.js.Stream(ctx, stream)
		if err == nil {
			err = s.Purge(ctx, jetstream.WithPurgeSubject(subject))
		}
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errs = append(errs, fmt.Errorf("purge %s: %w", stream, err))
		}
	}
	if !finished {
		purge(c.cfg.Stream, c.cfg.taskSubject("*", c.run))
		purge(c.cfg.ResultStream, c.cfg.resultSubject(c.run, ">"))
	}
	errs = append(errs, c.maxDeliv.Unsubscribe())
	c.nc.Close()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cluster: close: %w", err)
	}
	return nil
}

// Waiting returns how many pull requests workers have open on the shared
// consumer: zero means no worker is listening right now, and tasks will
// queue until one starts.
func (c *Client) Waiting(ctx context.Context) (int, error) {
	q, err := c.Queue(ctx)
	return q.Waiting, err
}

// QueueInfo is the state of the shared work queue, over all runs.
type QueueInfo struct {
	Waiting  int    // pull requests open: free worker slots asking for tasks
	InFlight int    // tasks a worker holds and has not finished
	Queued   uint64 // tasks no worker has taken yet
}

// Queue returns the state of the shared work queue, from the consumer's
// own numbers.
func (c *Client) Queue(ctx context.Context) (QueueInfo, error) {
	cons, err := c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Consumer)
	if err != nil {
		return QueueInfo{}, fmt.Errorf("cluster: consumer %s: %w", c.cfg.Consumer, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return QueueInfo{}, fmt.Errorf("cluster: consumer %s: %w", c.cfg.Consumer, err)
	}
	return QueueInfo{Waiting: info.NumWaiting, InFlight: info.NumAckPending, Queued: info.NumPending}, nil
}
