package prime

import (
	"context"
	"encoding/binary"
	"math/bits"
	"strconv"
	"unsafe"
)

// appendBlockPrimes appends the primes of a sieved block (see visitSpan)
// as appendPrime does, and returns how many there were.
func appendBlockPrimes(dst, blk []byte, first uint64, json bool) ([]byte, uint64) {
	var n uint64
	for i := 0; i < len(blk); i += 8 {
		var free uint64
		if i+8 <= len(blk) {
			free = ^binary.LittleEndian.Uint64(blk[i:])
		} else {
			for t, c := range blk[i:] {
				free |= uint64(^c) << (8 * t)
			}
		}
		base := 30 * (first + uint64(i))
		for ; free != 0; free &= free - 1 {
			t := bits.TrailingZeros64(free)
			dst = appendPrime(dst, base+30*uint64(t>>3)+wheel[t&7], json)
			n++
		}
	}
	return dst, n
}

// maxTextHint bounds the text listSpan makes room for before sieving.
const maxTextHint = 64 << 20

// listSpan lists the primes of s as AppendPrimes does, sieved block by
// block straight into the text, with no list of numbers in between.
func listSpan(ctx context.Context, s Span, json bool) (Sieved, error) {
	var out Sieved
	if s.Lo > s.Hi {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	line := uint64(len(strconv.FormatUint(s.Hi, 10)) + 1)
	if json {
		line += uint64(len(`{"n":"","prime":true}`))
	}
	// Room for the text the span is likely to make, up to maxTextHint;
	// a wider span's text grows as it goes.
	text := hugeBytes(int(min(estimatePrimes(s.Lo, s.Hi)*line, maxTextHint)))[:0]
	err := visitSpan(ctx, s, func(p uint64) {
		text = appendPrime(text, p, json)
		out.Count++
	}, func(blk []byte, blkFirst uint64) {
		var n uint64
		text, n = appendBlockPrimes(text, blk, blkFirst, json)
		out.Count += n
	})
	if err != nil {
		return Sieved{}, err
	}
	// The text is not written to again: it can be the string's bytes.
	out.Text = unsafe.String(unsafe.SliceData(text), len(text))
	return out, nil
}
