package cluster

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
)

// DefaultInFlight is the least number of items a job returned by Remote
// keeps on workers at once (its Job.Workers), so that a CPU-bound job
// whose local default is one per core still feeds a whole cluster.
const DefaultInFlight = 64

// bodies holds the buffers tasks are encoded in: the publish copies a
// task out before it returns, so the buffer serves the next one.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

// Remote returns the job d defines with settings s, run on workers: its
// function publishes each input as a task, with the settings and d's
// Version, and waits for the result. Use it wherever the engine takes the
// job's own function. A job error comes back as a *RemoteError, marked
// transient when it was transient on the worker, so the engine's retries
// work across the network too. Invalid settings give a
// *engine.SettingsError here, before any task is sent.
//
// Every wait is bounded: the call fails with ErrBrokerLost when the broker
// is gone for longer than Config.BrokerTimeout, with ErrStreamGone when a
// stream is deleted, and with ErrGivenUp when no worker could finish the
// task.
func Remote[S engine.Settings, In, Out any](c *Client, d *engine.Def[S, In, Out], s S) (engine.Job[In, Out], error) {
	settings, err := d.EncodeSettings(s)
	if err != nil {
		return engine.Job[In, Out]{}, err
	}
	version := strconv.Itoa(d.Version)
	job := d.Name
	c.rec.start(job, settings) // the run's record exists from now on
	run := func(ctx context.Context, in In) (Out, error) {
		var out Out
		buf := bodies.Get().(*[]byte)
		defer bodies.Put(buf)
		body, err := engine.AppendEncode((*buf)[:0], in)
		*buf = body
		if err != nil {
			return out, fmt.Errorf("cluster: encode %s input: %w", job, err)
		}
		seq, cl, err := c.register()
		if err != nil {
			return out, err
		}
		msg := nats.NewMsg(c.cfg.taskSubject(job, c.run))
		msg.Header.Set(hdrReply, c.cfg.resultSubject(c.run, seq))
		msg.Header.Set(hdrVersion, version)
		msg.Header.Set(hdrSettings, string(settings))
		msg.Header.Set(hdrToken, taskToken(c.key, c.run, seq))
		if i, ok := engine.IndexOf(ctx); ok {
			msg.Header.Set(hdrIndex, strconv.Itoa(i))
		}
		msg.Data = body
		ack, err := c.publish(ctx, msg, c.run+"."+seq)
		if err != nil {
			c.forget(seq, 0)
			return out, err
		}
		c.published(seq, cl, ack.Sequence)
		c.rec.sent()
		defer c.forget(seq, ack.Sequence)
		var res reply
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case res = <-cl.done:
		}
		if res.err != nil {
			return out, res.err
		}
		c.rec.answered(res.hdr.Get(hdrError) != "")
		return decodeResult[Out](job, res.data, res.hdr)
	}
	return engine.Job[In, Out]{Name: job, Run: run, Workers: max(d.Workers, DefaultInFlight), Indexed: true}, nil
}

// decodeResult reads a job's result as a worker stored it: its output,
// and its error as a *RemoteError (transient when it was on the worker).
func decodeResult[Out any](job string, data []byte, hdr nats.Header) (Out, error) {
	var out Out
	if e := hdr.Get(hdrError); e != "" {
		err := error(&RemoteError{Job: job, Msg: e})
		if hdr.Get(hdrTransient) == "1" {
			err = engine.Transient(err)
		}
		if len(data) > 0 {
			_ = engine.Decode(data, &out) // best effort: the error stands
		}
		return out, err
	}
	if err := engine.Decode(data, &out); err != nil {
		return out, fmt.Errorf("cluster: decode %s output: %w", job, err)
	}
	return out, nil
}
