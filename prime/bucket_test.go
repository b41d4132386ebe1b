package prime

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// refPrimes lists the primes in [lo, hi] by the plainest sieve there is:
// one bool per number, crossed by every prime up to sqrt(hi), which must
// be small enough for SmallPrimes.
func refPrimes(lo, hi uint64) []uint64 {
	composite := make([]bool, hi-lo+1)
	for _, p := range SmallPrimes(isqrt(hi)) {
		m := max(p*p, (lo+p-1)/p*p)
		for ; m <= hi && m >= lo; m += p {
			composite[m-lo] = true
		}
	}
	var ps []uint64
	for i, c := range composite {
		if n := lo + uint64(i); !c && n >= 2 {
			ps = append(ps, n)
		}
	}
	return ps
}

// sieveList lists the primes of one span, failing the test on an error.
func sieveList(t *testing.T, lo, hi uint64) []uint64 {
	t.Helper()
	r, err := SieveSpan(context.Background(), Span{Lo: lo, Hi: hi, List: true})
	if err != nil {
		t.Fatalf("SieveSpan(%d, %d): %v", lo, hi, err)
	}
	if r.Count != uint64(len(r.Primes)) {
		t.Fatalf("SieveSpan(%d, %d): count %d, %d listed", lo, hi, r.Count, len(r.Primes))
	}
	c, err := SieveSpan(context.Background(), Span{Lo: lo, Hi: hi})
	if err != nil || c.Count != r.Count {
		t.Fatalf("SieveSpan(%d, %d): counts %d, lists %d (%v)", lo, hi, c.Count, r.Count, err)
	}
	return r.Primes
}

// blockNumbers is how many numbers one block of the sieve stands for.
const blockNumbers = 30 * blockBytes

// TestSieveMatchesReference compares single spans with the reference
// sieve on random ranges: tiny ones, ones ending on or next to block
// boundaries, and ones whose sieving primes are larger than a segment, a
// block, or the whole span (medium, bucketed and lone primes).
func TestSieveMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 15))
	type rng2 struct{ lo, hi uint64 }
	var cases []rng2
	for range 40 { // tiny ranges, near and far
		lo := rng.Uint64N(1 << uint(rng.IntN(46)+1))
		cases = append(cases, rng2{lo, lo + rng.Uint64N(200)})
	}
	for range 12 { // crossing block boundaries, large primes above a block
		lo := uint64(1e12) + rng.Uint64N(1e12)
		lo -= lo % 30
		blocks := uint64(rng.IntN(3) + 1)
		hi := lo + blocks*blockNumbers + rng.Uint64N(61) - 30
		cases = append(cases, rng2{lo + rng.Uint64N(60), hi})
	}
	for range 8 { // primes up to 10^7, most far larger than the span
		lo := uint64(1e13) + rng.Uint64N(9e13)
		cases = append(cases, rng2{lo, lo + 4e6 + rng.Uint64N(1e6)})
	}
	cases = append(cases,
		rng2{0, 3 * blockNumbers},                              // from 0, sieving primes below the presieved ones
		rng2{blockNumbers - 1, blockNumbers},                   // the two numbers across the first boundary
		rng2{1e14 - blockNumbers, 1e14 + blockNumbers},         // two blocks, primes to 10^7
		rng2{4294967296 - 1e6, 4294967296 + 3e6},               // sqrt(hi) just past mediumMax
		rng2{mediumMax * mediumMax, mediumMax*mediumMax + 9e6}, // the first bucketed prime's square
	)
	for _, c := range cases {
		if c.hi-c.lo > 3e7 && testing.Short() {
			continue
		}
		got, want := sieveList(t, c.lo, c.hi), refPrimes(c.lo, c.hi)
		if !slices.Equal(got, want) {
			t.Errorf("primes in [%d, %d]: sieve %d, reference %d; first difference %s",
				c.lo, c.hi, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []uint64) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return "at " + strconv.FormatUint(a[i], 10) + " / " + strconv.FormatUint(b[i], 10)
		}
	}
	return "in length"
}

// TestSieveNearMaxUint64 sieves the last numbers below 2^64, where the
// sieving primes reach 2^32 and the top byte's numbers pass 2^64, and
// checks random windows of the list against IsPrime64.
func TestSieveNearMaxUint64(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the sieving primes up to 2^32")
	}
	width := uint64(math.MaxUint32/directRatio + 30000)
	lo, hi := uint64(math.MaxUint64)-width, uint64(math.MaxUint64)
	got := sieveList(t, lo, hi)
	rng := rand.New(rand.NewPCG(64, 64))
	for w := range 400 {
		a := lo + rng.Uint64N(width-1000)
		if w == 0 {
			a = hi - 1000
		}
		b := a + 1000
		var want []uint64
		for n := a; n <= b && n >= a; n++ {
			if IsPrime64(n) {
				want = append(want, n)
			}
		}
		i, _ := slices.BinarySearch(got, a)
		j, _ := slices.BinarySearch(got, b+1)
		if b == math.MaxUint64 {
			j = len(got)
		}
		if !slices.Equal(got[i:j], want) {
			t.Fatalf("primes in [%d, %d]: sieve %d, IsPrime64 %d", a, b, j-i, len(want))
		}
	}
}

// TestSieveCancel stops a far-out span with many buckets midway.
func TestSieveCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	b := baseFor(1e14 + 1e9)
	err := b.sieveInto(ctx, make([]byte, blockBytes), uint64(1e14)/30, uint64(1e9)/30, func([]byte, uint64) {
		if n++; n == 3 {
			cancel()
		}
	})
	if err == nil || n > 8 {
		t.Fatalf("cancelled after block 3: %d blocks, %v", n, err)
	}
	// The pooled buckets come back empty and work again.
	if got, want := sieveList(t, 1e14, 1e14+1e6), refPrimes(1e14, 1e14+1e6); !slices.Equal(got, want) {
		t.Fatalf("after a cancel: %d primes, want %d", len(got), len(want))
	}
}

// FuzzSieveSpan checks any short span against IsPrime64.
func FuzzSieveSpan(f *testing.F) {
	f.Add(uint64(0), uint32(100))
	f.Add(uint64(1e12), uint32(1<<20))
	f.Add(uint64(math.MaxUint64-5000), uint32(5000))
	f.Fuzz(func(t *testing.T, lo uint64, width uint32) {
		w := uint64(width % (1 << 21))
		hi := lo + w
		if hi < lo {
			hi = math.MaxUint64
		}
		got := sieveList(t, lo, hi)
		var want []uint64
		for n := lo; n <= hi && n >= lo; n++ {
			if IsPrime64(n) {
				want = append(want, n)
			}
			if n == hi {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("primes in [%d, %d]: sieve %d, IsPrime64 %d", lo, hi, len(got), len(want))
		}
	})
}
