package prime

import (
	"context"
	"strings"
	"sync"

	"github.com/fanout-dev/fanout/engine"
)

// Settings are the settings of Job: how verdicts are written. The zero
// value writes every number as "982451653 is prime: true".
type Settings struct {
	JSON       bool `json:"json,omitempty"`        // one JSON object per line instead of text
	PrimesOnly bool `json:"primes_only,omitempty"` // only the primes, as bare numbers (or objects)
	// NoText leaves Checked.Text empty: whoever receives the verdicts
	// writes the lines with Checked.Render, as a cluster submitter does
	// (only the verdicts travel, so the worker need not write them).
	NoText bool `json:"no_text,omitempty"`
}

// Validate accepts every Settings.
func (Settings) Validate() error { return nil }

func (s Settings) format() Format { return Format{JSON: s.JSON, PrimesOnly: s.PrimesOnly} }

// Checked is the output of Job for one Chunk: its verdicts and, rendered
// in the run's format, their output lines, so that the ordered writer of a
// local run only copies bytes. Only the verdicts travel (one byte a
// line): a cluster submitter gets Text from Render, the same lines the
// job writes locally.
type Checked struct {
	Verdicts
	Text []byte `json:"-"` // the output lines of the chunk (see AppendResults)

	buf *[]byte // Text's memory, from textPool
}

// Render fills in c.Text, for chunk ch with settings s, when c came
// without it (from a cluster worker); otherwise it does nothing.
func (c *Checked) Render(ch Chunk, s Settings) {
	if c.Text == nil {
		c.buf = textPool.Get().(*[]byte)
		c.Text = AppendResults((*c.buf)[:0], ch, c.Verdicts, s.format())
	}
}

// textPool holds output buffers for reuse: a run of millions of numbers
// would otherwise allocate, and fault in, a fresh one per chunk.
var textPool = sync.Pool{New: func() any { b := make([]byte, 0, 128<<10); return &b }}

// Release gives the memory of c.Text back for reuse by later chunks; c.Text
// must not be used afterwards. Calling it is optional: it only saves work.
func (c *Checked) Release() {
	if c.buf != nil {
		*c.buf = c.Text[:0]
		textPool.Put(c.buf)
	}
	c.buf, c.Text = nil, nil
}

// Job checks every line of a Chunk for primality and writes the results in
// the format of its Settings. A bad line is one of Verdicts.Errors and
// never fails the chunk; the chunk fails only when cancelled.
var Job = &engine.Def[Settings, Chunk, Checked]{
	Name:    "primes",
	Version: 2,
	New: func(s Settings) (engine.Func[Chunk, Checked], error) {
		f := s.format()
		if s.NoText {
			return func(ctx context.Context, c Chunk) (Checked, error) {
				v, err := Check(ctx, c)
				return Checked{Verdicts: v}, err
			}, nil
		}
		return func(ctx context.Context, c Chunk) (Checked, error) {
			buf := textPool.Get().(*[]byte)
			v, text, err := CheckAppend(ctx, c, f, (*buf)[:0])
			if err != nil {
				textPool.Put(buf)
				return Checked{}, err
			}
			return Checked{Verdicts: v, Text: text, buf: buf}, nil
		}, nil
	},
}

// Cut returns the part of out, the output of Job with settings s for
// chunk c, that ends with c's first bad line (--halt-on-error stops
// there), and that line's error. It returns out and false when c has no
// bad line.
func Cut(c Chunk, out Checked, s Settings) (Checked, LineError, bool) {
	if len(out.Errors) == 0 {
		return out, LineError{}, false
	}
	bad := out.Errors[0]
	upTo := bad.Line - c.First + 1 // lines, the bad one included
	part := c
	part.Text = part.Text[:lineOffset(part.Text, upTo)]
	v := Verdicts{Codes: out.Codes[:upTo], Errors: out.Errors[:1]}
	for i := range upTo {
		switch v.Codes[i] {
		case CodePrime:
			v.Primes++
			v.Numbers++
		case CodeComposite:
			v.Numbers++
		}
	}
	return Checked{Verdicts: v, Text: AppendResults(nil, part, v, s.format())}, bad, true
}

// lineOffset returns the byte offset of line i (from 0) of text.
func lineOffset(text string, i int) int {
	off := 0
	for ; i > 0; i-- {
		j := strings.IndexByte(text[off:], '\n')
		if j < 0 {
			return len(text)
		}
		off += j + 1
	}
	return off
}

// RangeSettings are the settings of RangeJob. The zero value lists the
// primes as text, one per line.
type RangeSettings struct {
	JSON  bool `json:"json,omitempty"`  // {"n":"7","prime":true} per prime
	Count bool `json:"count,omitempty"` // count the primes, do not list them
}

// Validate accepts every RangeSettings.
func (RangeSettings) Validate() error { return nil }

// Sieved is the output of RangeJob for one Span.
type Sieved struct {
	Count uint64 `json:"count"`          // primes in the span
	Text  string `json:"text,omitempty"` // the primes, one per line, unless counting
}

// RangeJob sieves one Span: it counts its primes and, unless
// RangeSettings.Count is set, lists them in the settings' format. Make the
// spans with Spans.
var RangeJob = &engine.Def[RangeSettings, Span, Sieved]{
	Name:    "primes-range",
	Version: 2,
	New: func(s RangeSettings) (engine.Func[Span, Sieved], error) {
		return func(ctx context.Context, sp Span) (Sieved, error) {
			if s.Count {
				sp.List = false
				r, err := SieveSpan(ctx, sp)
				return Sieved{Count: r.Count}, err
			}
			return listSpan(ctx, sp, s.JSON)
		}, nil
	},
}
