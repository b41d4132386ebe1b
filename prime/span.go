package prime

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"sync"
)

// Span is a range of numbers [Lo, Hi], both included: the unit of work of
// the range job.
type Span struct {
	Lo   uint64 `json:"lo"`
	Hi   uint64 `json:"hi"`
	List bool   `json:"list,omitempty"` // return the primes, not just their count
}

// SpanResult is what sieving a Span found.
type SpanResult struct {
	Count  uint64   `json:"count"`            // primes in the span
	Primes []uint64 `json:"primes,omitempty"` // the primes in order, when listed
}

var bufPool sync.Pool // of *[]byte sieve buffers

// MaxSpan is the widest Span that SieveSpan sieves (a 143 MB buffer);
// Spans never makes wider ones.
const MaxSpan = 1 << 32

// SieveSpan counts, and when s.List is set lists, the primes in s by a
// segmented sieve of Eratosthenes on a mod-30 wheel.
func SieveSpan(ctx context.Context, s Span) (SpanResult, error) {
	var res SpanResult
	if s.Lo > s.Hi {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, p := range []uint64{2, 3, 5} {
		if s.Lo <= p && p <= s.Hi {
			res.Count++
			if s.List {
				res.Primes = append(res.Primes, p)
			}
		}
	}
	if s.Hi-s.Lo < isqrt(s.Hi)/directRatio {
		return testSpan(ctx, s, res)
	}
	if s.Hi-s.Lo >= MaxSpan {
		return SpanResult{}, fmt.Errorf("prime: span %d..%d is wider than %d: split it with Spans", s.Lo, s.Hi, uint64(MaxSpan))
	}
	first, last := s.Lo/30, s.Hi/30
	n := int(last - first + 1)
	bp, _ := bufPool.Get().(*[]byte)
	if bp == nil || cap(*bp) < n {
		b := make([]byte, n)
		bp = &b
	}
	buf := (*bp)[:n]
	defer bufPool.Put(bp)

	if err := baseFor(s.Hi).sieveBytes(ctx, buf, first); err != nil {
		return SpanResult{}, err
	}
	// Numbers outside [Lo, Hi] in the end bytes count as composite.
	for k, w := range wheel {
		if w < s.Lo%30 {
			buf[0] |= 1 << k
		}
		if w > s.Hi%30 {
			buf[n-1] |= 1 << k
		}
	}
	if s.List {
		res.Primes = appendPrimes(res.Primes, buf, first)
		res.Count = uint64(len(res.Primes))
		return res, nil
	}
	res.Count += countFree(buf)
	return res, nil
}

// directRatio decides between sieving and testing each number: a span
// narrower than sqrt(Hi)/directRatio is cheaper to test number by number
// than to walk all the sieving primes up to sqrt(Hi).
const directRatio = 32

// testSpan decides every number of s prime to 30 with IsPrime64, adding
// to res, which holds the primes below 7.
func testSpan(ctx context.Context, s Span, res SpanResult) (SpanResult, error) {
	for i := s.Lo / 30; ; i++ {
		if i&0xffff == 0 && ctx.Err() != nil {
			return SpanResult{}, ctx.Err()
		}
		for _, w := range wheel {
			n := 30*i + w
			if n < s.Lo || n > s.Hi || n == 1 || n < w { // n < w: wrapped past 2^64
				continue
			}
			if IsPrime64(n) {
				res.Count++
				if s.List {
					res.Primes = append(res.Primes, n)
				}
			}
		}
		if i == s.Hi/30 {
			return res, nil
		}
	}
}

// countFree counts the clear bits of buf.
func countFree(buf []byte) uint64 {
	var set int
	i := 0
	for ; i+32 <= len(buf); i += 32 {
		set += bits.OnesCount64(binary.LittleEndian.Uint64(buf[i:])) +
			bits.OnesCount64(binary.LittleEndian.Uint64(buf[i+8:])) +
			bits.OnesCount64(binary.LittleEndian.Uint64(buf[i+16:])) +
			bits.OnesCount64(binary.LittleEndian.Uint64(buf[i+24:]))
	}
	for ; i < len(buf); i++ {
		set += bits.OnesCount8(buf[i])
	}
	return uint64(8*len(buf) - set)
}

// appendPrimes appends the numbers of buf's clear bits (buf starting at
// absolute byte first) to ps.
func appendPrimes(ps []uint64, buf []byte, first uint64) []uint64 {
	for i, b := range buf {
		free := ^b
		for free != 0 {
			k := bits.TrailingZeros8(free)
			free &= free - 1
			ps = append(ps, 30*(first+uint64(i))+wheel[k])
		}
	}
	return ps
}

// Spans splits [lo, hi] into Spans for the range job: big enough that
// setting up a span costs little next to sieving it, small enough that
// every worker gets many and, when listing, that one span's primes fit in
// a few megabytes.
func Spans(lo, hi uint64, list bool, workers int) iter.Seq[Span] {
	return func(yield func(Span) bool) {
		if lo > hi {
			return
		}
		width := spanWidth(lo, hi, list, max(workers, 1))
		for a := lo; ; {
			b := hi
			if hi-a >= width {
				b = a + width - 1
			}
			if !yield(Span{Lo: a, Hi: b, List: list}) || b == hi {
				return
			}
			a = b + 1
		}
	}
}

func spanWidth(lo, hi uint64, list bool, workers int) uint64 {
	const (
		minWidth   = 30 * segmentBytes // one segment
		countWidth = 30 << 20          // 1 MiB of sieve, to stay in L2
		listWidth  = 30 << 18          // ~3 MB of output near 10^10
	)
	total := hi - lo
	width := uint64(countWidth)
	if list {
		width = listWidth
	}
	// Far out, every span walks all the large sieving primes once: make
	// spans wide enough that this stays a small part of the work.
	share := uint64(4 * workers)
	if r := isqrt(hi); r > segmentBytes {
		width = max(width, min(r*8, 1<<30))
		share = uint64(workers)
	}
	// Give every worker a share of the spans.
	if per := total/share + 1; per < width {
		width = max(per, minWidth)
	}
	return min(width, math.MaxUint64/2)
}

// Count returns the number of primes in [lo, hi], using the calling
// goroutine only.
func Count(ctx context.Context, lo, hi uint64) (uint64, error) {
	var n uint64
	for s := range Spans(lo, hi, false, 1) {
		r, err := SieveSpan(ctx, s)
		if err != nil {
			return 0, err
		}
		n += r.Count
	}
	return n, nil
}
