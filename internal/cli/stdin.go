package cli

import (
	"context"
	"io"
	"os"
	"sync"
)

// cancelableStdin makes a read of the process's standard input give way to
// Ctrl-C. A read from a pipe or terminal cannot be interrupted, so a
// goroutine does the reading and a Read returns as soon as ctx is done.
// That goroutine, blocked in the read, ends with the process; it is started
// only on the first Read, and only for a real file.
func cancelableStdin(ctx context.Context, r io.Reader) io.Reader {
	if _, ok := r.(*os.File); !ok {
		return r
	}
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	once sync.Once
	ch   chan readChunk
	buf  []byte // read but not yet returned
	err  error  // the error that ends the stream
}

type readChunk struct {
	b   []byte
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if len(c.buf) == 0 && c.err == nil {
		c.once.Do(func() {
			c.ch = make(chan readChunk, 1)
			go c.pump()
		})
		select {
		case <-c.ctx.Done():
			c.err = context.Cause(c.ctx)
		case rc := <-c.ch:
			c.buf, c.err = rc.b, rc.err
		}
	}
	if len(c.buf) > 0 {
		n := copy(p, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	return 0, c.err
}

func (c *ctxReader) pump() {
	for {
		b := make([]byte, 64<<10)
		n, err := c.r.Read(b)
		select {
		case c.ch <- readChunk{b[:n], err}:
		case <-c.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}
