package prime

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCountKnown(t *testing.T) {
	cases := []struct {
		lo, hi, want uint64
	}{
		{0, 0, 0}, {0, 1, 0}, {0, 2, 1}, {0, 3, 2}, {0, 5, 3}, {0, 7, 4},
		{0, 30, 10}, {0, 100, 25}, {0, 1000, 168}, {0, 1_000_000, 78498},
		{0, 10_000_000, 664579}, {2, 2, 1}, {4, 4, 0}, {7, 7, 1}, {19, 23, 2},
		{0, 100_000_000, 5761455},
	}
	for _, c := range cases {
		got, err := Count(context.Background(), c.lo, c.hi)
		if err != nil || got != c.want {
			t.Errorf("Count(%d, %d) = %d, %v; want %d", c.lo, c.hi, got, err, c.want)
		}
	}
}

// TestSieveMatchesIsPrime64 lists primes in windows near and far and
// compares them with IsPrime64, which is checked against independent
// oracles in u64_test.go.
func TestSieveMatchesIsPrime64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	windows := [][2]uint64{
		{0, 100_000},
		{1_000_000_000 - 50_000, 1_000_000_000 + 50_000},
		{1 << 32, 1<<32 + 100_000},
		{1e12, 1e12 + 200_000},
		{1e18, 1e18 + 20_000},
		{math.MaxUint64 - 30_000, math.MaxUint64},
	}
	for range 4 {
		lo := rng.Uint64N(1 << 50)
		windows = append(windows, [2]uint64{lo, lo + rng.Uint64N(100_000)})
	}
	for _, w := range windows {
		var got []uint64
		for s := range Spans(w[0], w[1], true, 3) {
			r, err := SieveSpan(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.Primes...)
		}
		var want []uint64
		for n := w[0]; ; n++ {
			if IsPrime64(n) {
				want = append(want, n)
			}
			if n == w[1] {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("primes in [%d, %d]: sieve found %d, IsPrime64 %d", w[0], w[1], len(got), len(want))
		}
	}
}

// TestSieveFarOut checks a window whose large sieving primes go well past
// one segment, by counting it both ways.
func TestSieveFarOut(t *testing.T) {
	if testing.Short() {
		t.Skip("sieves and tests 2·10^7 numbers near 10^15")
	}
	lo, hi := uint64(1e15), uint64(1e15+2e7)
	var want uint64
	for n := lo; n <= hi; n++ {
		if IsPrime64(n) {
			want++
		}
	}
	var got uint64
	for s := range Spans(lo, hi, false, 2) {
		if s.Hi-s.Lo < isqrt(s.Hi)/directRatio {
			t.Fatalf("span %+v would be tested number by number, not sieved", s)
		}
		r, err := SieveSpan(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		got += r.Count
	}
	if got != want {
		t.Fatalf("primes in [%d, %d]: sieve counts %d, IsPrime64 %d", lo, hi, got, want)
	}
}

func TestCountBillion(t *testing.T) {
	if testing.Short() {
		t.Skip("counts to 10^9")
	}
	got, err := Count(context.Background(), 0, 1_000_000_000)
	if err != nil || got != 50_847_534 {
		t.Fatalf("pi(10^9) = %d, %v; want 50847534", got, err)
	}
}

func TestSieveSpanLimits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SieveSpan(ctx, Span{Lo: 0, Hi: 1e9}); err == nil {
		t.Error("SieveSpan on a cancelled context succeeded")
	}
	if _, err := SieveSpan(context.Background(), Span{Lo: 0, Hi: math.MaxUint64}); err == nil {
		t.Error("SieveSpan over all of uint64 in one span succeeded")
	}
	if r, err := SieveSpan(context.Background(), Span{Lo: 10, Hi: 5}); err != nil || r.Count != 0 {
		t.Errorf("empty span: %+v, %v", r, err)
	}
}

// A wide span gathers the multiples of its largest primes by block; narrow
// spans mark them at once. Both must find the same primes.
func TestSieveWideSpanMatchesNarrow(t *testing.T) {
	lo, hi := uint64(1e14), uint64(1e14+2e8)
	wide, err := SieveSpan(context.Background(), Span{Lo: lo, Hi: hi})
	if err != nil {
		t.Fatal(err)
	}
	var narrow uint64
	for a := lo; a <= hi; a += 30 << 20 {
		r, err := SieveSpan(context.Background(), Span{Lo: a, Hi: min(a+30<<20-1, hi)})
		if err != nil {
			t.Fatal(err)
		}
		narrow += r.Count
	}
	if wide.Count != narrow || wide.Count == 0 {
		t.Fatalf("primes in [%d, %d]: one wide span %d, narrow spans %d", lo, hi, wide.Count, narrow)
	}
}
