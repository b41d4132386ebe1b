package prime

import (
	"context"
	"math"
	"testing"
)

// The range job lists a span straight from the sieve into text: the text
// must be what AppendPrimes makes of the reference sieve's list, as text
// and as JSON, for spans that are tested number by number, that hold 2,
// 3 and 5, that end inside a word or a block, and far-out ones whose
// sieving primes go through the buckets.
func TestListSpanMatchesReference(t *testing.T) {
	for _, s := range []Span{
		{Lo: 0, Hi: 0},
		{Lo: 0, Hi: 100},
		{Lo: 2, Hi: 5},
		{Lo: 4, Hi: 4},
		{Lo: 1e12, Hi: 1e12 + 1000},                        // tested one by one
		{Lo: 7, Hi: 30*blockBytes + 1234},                  // two blocks, a short last word
		{Lo: 1e14 - 17, Hi: 1e14 + 2*blockNumbers + 7},     // bucketed primes
		{Lo: math.MaxUint64 - 5e6, Hi: math.MaxUint64},     // the last numbers below 2^64
		{Lo: blockNumbers - 30, Hi: blockNumbers + 30 + 1}, // across a block boundary
	} {
		var want []uint64
		switch {
		case s.Hi-s.Lo < 1e4:
			for n := s.Lo; ; n++ {
				if IsPrime64(n) {
					want = append(want, n)
				}
				if n == s.Hi {
					break
				}
			}
		case isqrt(s.Hi) <= 2e7:
			want = refPrimes(s.Lo, s.Hi)
		default:
			r, err := SieveSpan(context.Background(), Span{Lo: s.Lo, Hi: s.Hi, List: true})
			if err != nil {
				t.Fatal(err)
			}
			want = r.Primes
		}
		for _, json := range []bool{false, true} {
			got, err := listSpan(context.Background(), s, json)
			if err != nil {
				t.Fatalf("%d..%d: %v", s.Lo, s.Hi, err)
			}
			if w := string(AppendPrimes(nil, want, json)); got.Text != w || got.Count != uint64(len(want)) {
				t.Fatalf("%d..%d json=%v: %d primes, text of %d bytes; want %d primes, %d bytes",
					s.Lo, s.Hi, json, got.Count, len(got.Text), len(want), len(w))
			}
		}
	}
}

// A cancelled listing returns the context's error and no text.
func TestListSpanCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := listSpan(ctx, Span{Lo: 1e15, Hi: 1e15 + 1e9}, false)
	if err != context.Canceled || got.Text != "" || got.Count != 0 {
		t.Fatalf("got %d primes, %q, %v", got.Count, got.Text, err)
	}
}
