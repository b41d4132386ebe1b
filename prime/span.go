package prime

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"slices"
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

var bufPool sync.Pool // of *[]byte sieve blocks, blockBytes each

// MaxSpan is the widest Span that SieveSpan sieves; Spans never makes
// wider ones. A span is sieved a block (512 KiB) at a time, but its
// buckets hold up to 8 bytes per sieving prime.
const MaxSpan = 1 << 32

// SieveSpan counts, and when s.List is set lists, the primes in s by a
// segmented sieve of Eratosthenes on a mod-30 wheel.
func SieveSpan(ctx context.Context, s Span) (SpanResult, error) {
	var res SpanResult
	if s.List && s.Lo <= s.Hi {
		res.Primes = slices.Grow(res.Primes, int(estimatePrimes(s.Lo, s.Hi)))
	}
	err := visitSpan(ctx, s, func(p uint64) {
		res.Count++
		if s.List {
			res.Primes = append(res.Primes, p)
		}
	}, func(blk []byte, blkFirst uint64) {
		if s.List {
			res.Primes = appendPrimes(res.Primes, blk, blkFirst)
		} else {
			res.Count += countFree(blk)
		}
	})
	if err != nil {
		return SpanResult{}, err
	}
	if s.List {
		res.Count = uint64(len(res.Primes))
	}
	return res, nil
}

// visitSpan finds the primes in s and hands them over in order: one by
// one to prime (2, 3 and 5, and every prime of a span too narrow to be
// worth sieving), or a sieved block at a time to block, with the bytes
// of block blk standing for the numbers from 30·blkFirst on, a clear bit
// a prime (see wheel), the numbers outside s marked composite. blk is
// reused once block returns.
func visitSpan(ctx context.Context, s Span, prime func(p uint64), block func(blk []byte, blkFirst uint64)) error {
	if s.Lo > s.Hi {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range []uint64{2, 3, 5} {
		if s.Lo <= p && p <= s.Hi {
			prime(p)
		}
	}
	if s.Hi-s.Lo < isqrt(s.Hi)/directRatio {
		return testSpan(ctx, s, prime)
	}
	if s.Hi-s.Lo >= MaxSpan {
		return fmt.Errorf("prime: span %d..%d is wider than %d: split it with Spans", s.Lo, s.Hi, uint64(MaxSpan))
	}
	first, last := s.Lo/30, s.Hi/30
	n := last - first + 1
	bp, _ := bufPool.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, blockBytes)
		bp = &b
	}
	defer bufPool.Put(bp)
	loMask, hiMask := endMasks(s.Lo%30, s.Hi%30)
	return baseFor(s.Hi).sieveInto(ctx, *bp, first, n, func(blk []byte, blkFirst uint64) {
		// Numbers outside [Lo, Hi] in the end bytes count as composite.
		if blkFirst == first {
			blk[0] |= loMask
		}
		if blkFirst+uint64(len(blk)) == last+1 {
			blk[len(blk)-1] |= hiMask
		}
		block(blk, blkFirst)
	})
}

// endMasks returns the bits of the wheel residues below lo and above hi.
func endMasks(lo, hi uint64) (loMask, hiMask byte) {
	for k, w := range wheel {
		if w < lo {
			loMask |= 1 << k
		}
		if w > hi {
			hiMask |= 1 << k
		}
	}
	return loMask, hiMask
}

// estimatePrimes returns a little more than the number of primes in
// [lo, hi] is likely to be, to size a list: (hi-lo)/(ln(lo) - 1.1), plus
// some slack.
func estimatePrimes(lo, hi uint64) uint64 {
	l := math.Log(float64(max(lo, 1000)))
	return uint64(float64(hi-lo)/(l-1.1)*1.02) + 64
}

// directRatio decides between sieving and testing each number: a span
// narrower than sqrt(Hi)/directRatio is cheaper to test number by number
// than to walk all the sieving primes up to sqrt(Hi).
const directRatio = 32

// testSpan decides every number of s prime to 30 with IsPrime64, calling
// prime with each prime.
func testSpan(ctx context.Context, s Span, prime func(p uint64)) error {
	for i := s.Lo / 30; ; i++ {
		if i&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for _, w := range wheel {
			n := 30*i + w
			if n < s.Lo || n > s.Hi || n == 1 || n < w { // n < w: wrapped past 2^64
				continue
			}
			if IsPrime64(n) {
				prime(n)
			}
		}
		if i == s.Hi/30 {
			return nil
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
// absolute byte first) to ps, in order. It reads buf eight bytes at a
// time and skips a word with no clear bit at once.
func appendPrimes(ps []uint64, buf []byte, first uint64) []uint64 {
	i := 0
	for ; i+8 <= len(buf); i += 8 {
		free := ^binary.LittleEndian.Uint64(buf[i:])
		base := 30 * (first + uint64(i))
		for free != 0 {
			t := bits.TrailingZeros64(free)
			free &= free - 1
			ps = append(ps, base+30*uint64(t>>3)+wheel[t&7])
		}
	}
	for ; i < len(buf); i++ {
		free := ^buf[i]
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
		countWidth = 30 << 20          // 1 MiB of sieve: two blocks
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
