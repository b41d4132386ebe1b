package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// storeResult publishes a task's result, with the task's token, to the
// result stream, in parts when it is larger than one message, and waits for the broker to store
// it, retrying while the broker is away until ctx is done. Each part's
// message id makes a result sent twice (by a redelivered task) count once.
func storeResult(ctx context.Context, p *puller, reply, token string, out []byte, jobErr error) error {
	parts := split(out, int(p.nc.MaxPayload())-partHeadroom)
	for i, part := range parts {
		msg := nats.NewMsg(reply)
		msg.Data = part // with an error too: the job's own account of it
		msg.Header.Set(hdrToken, token)
		msg.Header.Set(hdrWorker, workerName)
		if len(parts) > 1 {
			msg.Header.Set(hdrPart, formatPart(i, len(parts)))
		}
		if jobErr != nil {
			msg.Header.Set(hdrError, jobErr.Error())
			if engine.IsTransient(jobErr) {
				msg.Header.Set(hdrTransient, "1")
			}
		}
		id := reply + "." + formatPart(i, len(parts))
		for {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := p.js.PublishMsg(pctx, msg, jetstream.WithMsgID(id))
			cancel()
			if err == nil {
				p.ok()
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) {
				p.reset() // the result stream may be gone: make it anew
				_ = p.ensure(ctx)
			}
			p.report(fmt.Errorf("store a result: %w", err))
			select {
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// callRaw runs a job, turning a panic into an error so that a result is
// always sent.
func callRaw(ctx context.Context, raw engine.RawFunc, in []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &engine.PanicError{Value: v}
		}
	}()
	return raw(ctx, in)
}
