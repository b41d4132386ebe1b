package prime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The wire forms of Chunk and Sieved, which carry megabytes of text: their
// text travels as it is, after a short header, so that neither side spends
// time escaping and unescaping JSON (engine.Encode uses these).

const (
	chunkWire  = 1 // first byte of a Chunk's wire form
	sievedWire = 2 // first byte of a Sieved's wire form
)

// ErrWire is the error of a wire form that cannot be read: it was cut or
// damaged on the way, or written by another version of fanout.
var ErrWire = errors.New("prime: damaged or foreign wire form")

// A Chunk's wire form packs its text: a line that is a plain decimal
// number below 2^64 (digits only, no sign, no leading zero, no space)
// travels as that number, 8 bytes or fewer; every other line travels as it
// is, as an exception. UnmarshalBinary rebuilds the very same Text. A
// 64-bit number takes 8 bytes instead of 21, so a broker stores and hands
// out less than half the bytes, and small numbers take less still.
//
//	tag, First, Long, len(Source), Source, lines, flags,
//	exceptions, then per exception: gap in lines since the last, length, bytes;
//	then every other line's number: 8 bytes little-endian each (flags&fixed), or uvarints

const (
	wireFixed   = 1 << iota // the numbers are 8 bytes each, not uvarints
	wireNoFinal             // Text does not end with '\n'
)

// MarshalBinary returns c's wire form.
func (c Chunk) MarshalBinary() ([]byte, error) { return c.AppendBinary(nil) }

// AppendBinary appends c's wire form to b.
func (c Chunk) AppendBinary(b []byte) ([]byte, error) {
	text := c.Text
	var flags byte
	if text != "" && text[len(text)-1] != '\n' {
		flags |= wireNoFinal
		text += "\n"
	}
	p := packPool.Get().(*packed)
	defer packPool.Put(p)
	p.split(text)
	lines := len(p.vals) + len(p.exc)
	if fixed := 8 * len(p.vals); fixed < p.varBytes {
		flags |= wireFixed
	}
	b = slices.Grow(b, 1+6*binary.MaxVarintLen64+len(c.Source)+2*len(p.exc)*binary.MaxVarintLen64+p.excBytes+p.varBytes)
	b = append(b, chunkWire)
	b = binary.AppendUvarint(b, uint64(c.First))
	b = binary.AppendUvarint(b, uint64(c.Long))
	b = binary.AppendUvarint(b, uint64(len(c.Source)))
	b = append(b, c.Source...)
	b = binary.AppendUvarint(b, uint64(lines))
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(p.exc)))
	last := 0
	for _, e := range p.exc {
		b = binary.AppendUvarint(b, uint64(e.line-last))
		b = binary.AppendUvarint(b, uint64(len(e.text)))
		b = append(b, e.text...)
		last = e.line
	}
	if flags&wireFixed != 0 {
		for _, v := range p.vals {
			b = binary.LittleEndian.AppendUint64(b, v)
		}
	} else {
		for _, v := range p.vals {
			b = binary.AppendUvarint(b, v)
		}
	}
	return b, nil
}

// packed is a chunk's text taken apart for its wire form.
type packed struct {
	vals     []uint64    // the plain numbers, in order
	exc      []exception // the other lines
	varBytes int         // the size of vals as uvarints
	excBytes int         // the size of the exceptions' text
}

type exception struct {
	line int // from 0, in the chunk
	text string
}

var packPool = sync.Pool{New: func() any { return new(packed) }}

// split takes apart text, which ends with '\n'.
func (p *packed) split(text string) {
	p.vals, p.exc, p.varBytes, p.excBytes = p.vals[:0], p.exc[:0], 0, 0
	for n := 0; text != ""; n++ {
		i := strings.IndexByte(text, '\n')
		if v, ok := plainNumber(text[:i]); ok {
			p.vals = append(p.vals, v)
			p.varBytes += uvarintLen(v)
		} else {
			p.exc = append(p.exc, exception{n, text[:i]})
			p.excBytes += i
		}
		text = text[i+1:]
	}
}

// UnmarshalBinary reads the wire form MarshalBinary wrote. It fails with
// an error that wraps ErrWire on anything else.
func (c *Chunk) UnmarshalBinary(b []byte) error {
	r := wireReader{b: b}
	r.tag(chunkWire)
	first, long := r.count(), r.count()
	source := string(r.bytes(r.count()))
	lines := r.count()
	flags := r.byte()
	exc := r.count()
	if lines > len(b) || exc > lines { // every line takes a byte at least
		r.fail("line count out of range")
	}
	excs := make([]exception, 0, min(exc, len(b)))
	size, at := 0, 0
	for range exc {
		at += r.count()
		e := exception{at, string(r.bytes(r.count()))}
		if r.err != nil || at >= lines || (len(excs) > 0 && at <= excs[len(excs)-1].line) {
			r.fail("exception out of order")
			break
		}
		excs = append(excs, e)
		size += len(e.text) + 1
	}
	numbers := lines - exc
	if flags&wireFixed != 0 && numbers > len(r.b)/8 || numbers > len(r.b) {
		r.fail("cut short")
	}
	if r.err != nil {
		return fmt.Errorf("chunk: %w", r.err)
	}
	text := make([]byte, 0, size+numbers*21)
	for n := range lines {
		if len(excs) > 0 && excs[0].line == n {
			text = append(text, excs[0].text...)
			excs = excs[1:]
		} else {
			var v uint64
			if flags&wireFixed != 0 {
				v = binary.LittleEndian.Uint64(r.bytes(8))
			} else {
				v = r.uvarint()
			}
			text = strconv.AppendUint(text, v, 10)
		}
		text = append(text, '\n')
	}
	if len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	if flags&wireNoFinal != 0 {
		if len(text) == 0 {
			r.fail("bad flags")
		} else {
			text = text[:len(text)-1]
		}
	}
	if r.err != nil {
		return fmt.Errorf("chunk: %w", r.err)
	}
	*c = Chunk{Source: source, First: first, Text: string(text), Long: int64(long)}
	return nil
}

// plainNumber returns the value of a line that strconv.FormatUint would
// write as it is: digits only, no leading zero, below 2^64.
func plainNumber(line string) (uint64, bool) {
	n := len(line)
	if n == 0 || n > 20 || (line[0] == '0' && n > 1) || (n == 20 && line > "18446744073709551615") {
		return 0, false
	}
	var v uint64
	for i := 0; i < n; i++ {
		d := uint64(line[i] - '0')
		if d > 9 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// MarshalBinary returns s's wire form: Count followed by Text.
func (s Sieved) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(s.Text))
	b = append(b, sievedWire)
	b = binary.AppendUvarint(b, s.Count)
	return append(b, s.Text...), nil
}

// UnmarshalBinary reads the wire form MarshalBinary wrote. It fails with
// an error that wraps ErrWire on anything else.
func (s *Sieved) UnmarshalBinary(b []byte) error {
	r := wireReader{b: b}
	r.tag(sievedWire)
	n := r.uvarint()
	if r.err != nil {
		return fmt.Errorf("sieve result: %w", r.err)
	}
	*s = Sieved{Count: n, Text: string(r.b)}
	return nil
}

// wireReader reads a wire form from the front of b; the first failure
// sticks in err and makes every later read return zero.
type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrWire, what)
	}
	r.b = nil
}

func (r *wireReader) tag(want byte) {
	if len(r.b) == 0 || r.b[0] != want {
		r.fail("unknown format")
		return
	}
	r.b = r.b[1:]
}

func (r *wireReader) byte() byte {
	if p := r.bytes(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *wireReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count is a uvarint that must fit an int (a line number, a length).
func (r *wireReader) count() int {
	v := r.uvarint()
	if v > uint64(math.MaxInt) {
		r.fail("number out of range")
		return 0
	}
	return int(v)
}

func (r *wireReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail("cut short")
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}
