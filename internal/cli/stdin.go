package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
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
	tail []byte // bytes after the last newline read: a line not yet whole
	err  error  // the error that ends the stream
}

// stdinIsTerminal says whether r, the command's stdin, is a terminal: a
// command with no input named then has nothing to read and says so,
// rather than wait for typing.
func stdinIsTerminal(r io.Reader) bool {
	if c, ok := r.(*ctxReader); ok {
		r = c.r
	}
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// cutLineGrace is how long an input that ends in the middle of a line
// waits for a Ctrl-C before that last line counts. Ctrl-C reaches every
// process of a pipeline at once: when it kills the writer (seq 1 1e9 |
// fanout primes) our input ends mid-line just as the signal arrives, and
// the cut line, "2449074" of "24490745", must not be taken as a number.
const cutLineGrace = 100 * time.Millisecond

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
			c.take(rc)
		}
	}
	if len(c.buf) > 0 {
		n := copy(p, c.buf)
		c.buf = c.buf[n:]
		return n, nil
	}
	return 0, c.err
}

// take makes rc's bytes readable, up to its last newline; the rest waits
// for the newline that makes it a line, or for the end of the input.
func (c *ctxReader) take(rc readChunk) {
	b := append(c.tail, rc.b...)
	cut := bytes.LastIndexByte(b, '\n') + 1
	c.buf, c.tail, c.err = b[:cut], b[cut:], rc.err
	if c.err == nil || len(c.tail) == 0 {
		return
	}
	if c.err == io.EOF && !c.regularFile() {
		select {
		case <-c.ctx.Done():
		case <-time.After(cutLineGrace):
		}
	}
	if c.ctx.Err() != nil {
		c.err = context.Cause(c.ctx) // interrupted: the cut line is dropped
		return
	}
	c.buf, c.tail = b, nil // the last line, without its newline
}

func (c *ctxReader) regularFile() bool {
	f, ok := c.r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
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
