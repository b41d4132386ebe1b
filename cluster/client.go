package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// Client submits tasks to workers and receives their results. A Client is
// one run: its tasks and results carry a run id of their own. It is safe
// for concurrent use.
type Client struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg Config
	run string
	sub *nats.Subscription

	maxDeliv *nats.Subscription

	mu       sync.Mutex
	seq      uint64
	waiting  map[string]chan *nats.Msg
	byStream map[uint64]string // stream sequence of a task -> its seq
	closed   bool
}

// Dial connects to the NATS server at url, makes sure the task stream and
// the workers' consumer exist (so tasks wait for workers that start
// later), and subscribes to this run's results.
func Dial(ctx context.Context, url string, cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	nc, err := nats.Connect(url, nats.Name("fanout submitter"), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to %s: %w", url, err)
	}
	js, err := ensure(ctx, nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	c := &Client{nc: nc, js: js, cfg: cfg, run: nuid.Next(), waiting: map[string]chan *nats.Msg{},
		byStream: map[uint64]string{}}
	c.sub, err = nc.Subscribe(cfg.resultSubject(c.run, "*"), c.receive)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: subscribe to results: %w", err)
	}
	c.maxDeliv, err = nc.Subscribe(fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", cfg.Stream, cfg.Consumer), c.giveUp)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: subscribe to advisories: %w", err)
	}
	if err := nc.FlushTimeout(5 * time.Second); err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: subscribe to results: %w", err)
	}
	return c, nil
}

// ensure creates the work-queue stream and the shared consumer unless they
// exist. It never updates an existing stream: the first process to start
// sets it up, and later ones (workers starting together) only look.
func ensure(ctx context.Context, nc *nats.Conn, cfg Config) (jetstream.JetStream, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	if _, err := js.Stream(ctx, cfg.Stream); errors.Is(err, jetstream.ErrStreamNotFound) {
		_, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:      cfg.Stream,
			Subjects:  []string{cfg.Subject + ".task.>"},
			Retention: jetstream.WorkQueuePolicy,
		})
		if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return nil, fmt.Errorf("cluster: create stream %s: %w", cfg.Stream, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("cluster: stream %s: %w", cfg.Stream, err)
	}
	if _, err := js.Consumer(ctx, cfg.Stream, cfg.Consumer); err == nil {
		return js, nil
	}
	_, err = js.CreateOrUpdateConsumer(ctx, cfg.Stream, jetstream.ConsumerConfig{
		Durable:       cfg.Consumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    cfg.MaxDeliver,
		FilterSubject: cfg.Subject + ".task.>",
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: create consumer %s: %w", cfg.Consumer, err)
	}
	return js, nil
}

// receive hands a result to the call waiting for it; a duplicate (from a
// redelivered task) or a late result finds nobody and is dropped.
func (c *Client) receive(m *nats.Msg) {
	seq := m.Subject[len(c.cfg.resultSubject(c.run, "")):]
	c.mu.Lock()
	ch := c.waiting[seq]
	delete(c.waiting, seq)
	c.mu.Unlock()
	if ch != nil {
		ch <- m
	}
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
	ch := c.waiting[seq]
	if ok {
		delete(c.waiting, seq)
	}
	c.mu.Unlock()
	if ch != nil {
		res := nats.NewMsg("")
		res.Header.Set(hdrError, fmt.Sprintf("%v after %d deliveries: every worker that took it stopped before finishing", ErrGivenUp, adv.Deliveries))
		ch <- res
	}
}

func (c *Client) register() (string, chan *nats.Msg, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return "", nil, errors.New("cluster: client closed")
	}
	c.seq++
	seq := strconv.FormatUint(c.seq, 36)
	ch := make(chan *nats.Msg, 1)
	c.waiting[seq] = ch
	return seq, ch, nil
}

func (c *Client) forget(seq string, streamSeq uint64) {
	c.mu.Lock()
	delete(c.waiting, seq)
	delete(c.byStream, streamSeq)
	c.mu.Unlock()
}

// DefaultInFlight is the least number of items a job returned by Remote
// keeps on workers at once (its Job.Workers), so that a CPU-bound job
// whose local default is one per core still feeds a whole cluster.
const DefaultInFlight = 64

// Remote returns the job d defines with settings s, run on workers: its
// function publishes each input as a task, with the settings and d's
// Version, and waits for the result. Use it wherever the engine takes the
// job's own function. A job error comes back as a *RemoteError, marked
// transient when it was transient on the worker, so the engine's retries
// work across the network too. Invalid settings give a
// *engine.SettingsError here, before any task is sent.
func Remote[S engine.Settings, In, Out any](c *Client, d *engine.Def[S, In, Out], s S) (engine.Job[In, Out], error) {
	settings, err := d.EncodeSettings(s)
	if err != nil {
		return engine.Job[In, Out]{}, err
	}
	version := strconv.Itoa(d.Version)
	job := d.Name
	run := func(ctx context.Context, in In) (Out, error) {
		var out Out
		body, err := json.Marshal(in)
		if err != nil {
			return out, fmt.Errorf("cluster: encode %s input: %w", job, err)
		}
		seq, ch, err := c.register()
		if err != nil {
			return out, err
		}
		msg := nats.NewMsg(c.cfg.taskSubject(job, c.run))
		msg.Header.Set(hdrReply, c.cfg.resultSubject(c.run, seq))
		msg.Header.Set(hdrVersion, version)
		msg.Header.Set(hdrSettings, string(settings))
		msg.Data = body
		ack, err := c.js.PublishMsg(ctx, msg)
		if err != nil {
			c.forget(seq, 0)
			return out, engine.Transient(fmt.Errorf("cluster: publish %s task: %w", job, err))
		}
		c.mu.Lock()
		c.byStream[ack.Sequence] = seq
		c.mu.Unlock()
		defer c.forget(seq, ack.Sequence)
		var res *nats.Msg
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case res = <-ch:
		}
		if e := res.Header.Get(hdrError); e != "" {
			err := error(&RemoteError{Job: job, Msg: e})
			if res.Header.Get(hdrTransient) == "1" {
				err = engine.Transient(err)
			}
			if len(res.Data) > 0 {
				_ = json.Unmarshal(res.Data, &out) // best effort: the error stands
			}
			return out, err
		}
		if err := json.Unmarshal(res.Data, &out); err != nil {
			return out, fmt.Errorf("cluster: decode %s output: %w", job, err)
		}
		return out, nil
	}
	return engine.Job[In, Out]{Name: job, Run: run, Workers: max(d.Workers, DefaultInFlight)}, nil
}

// Close purges this run's tasks that no worker has taken yet, stops
// receiving results and closes the connection.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	if s, err := c.js.Stream(ctx, c.cfg.Stream); err != nil {
		errs = append(errs, err)
	} else if err := s.Purge(ctx, jetstream.WithPurgeSubject(c.cfg.taskSubject("*", c.run))); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.sub.Unsubscribe(), c.maxDeliv.Unsubscribe())
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
	cons, err := c.js.Consumer(ctx, c.cfg.Stream, c.cfg.Consumer)
	if err != nil {
		return 0, fmt.Errorf("cluster: consumer %s: %w", c.cfg.Consumer, err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("cluster: consumer %s: %w", c.cfg.Consumer, err)
	}
	return info.NumWaiting, nil
}
