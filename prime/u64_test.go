package prime

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// simpleSieve returns a table of primality for 0..n-1.
func simpleSieve(n int) []bool {
	p := make([]bool, n)
	for i := 2; i < n; i++ {
		p[i] = true
	}
	for i := 2; i*i < n; i++ {
		if p[i] {
			for j := i * i; j < n; j += i {
				p[j] = false
			}
		}
	}
	return p
}

// mr7 is an independent oracle: Miller-Rabin with the seven bases that are
// proven to decide every n < 2^64 (Jim Sinclair), by plain 128-bit
// division.
func mr7(n uint64) bool {
	if n < 2 {
		return false
	}
	for _, p := range []uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37} {
		if n%p == 0 {
			return n == p
		}
	}
	mulmod := func(a, b uint64) uint64 {
		hi, lo := bits.Mul64(a, b)
		_, r := bits.Div64(hi, lo, n)
		return r
	}
	s := bits.TrailingZeros64(n - 1)
	d := (n - 1) >> s
	for _, a := range []uint64{2, 325, 9375, 28178, 450775, 9780504, 1795265022} {
		a %= n
		if a == 0 {
			continue
		}
		x, e, b := uint64(1), d, a
		for e > 0 {
			if e&1 != 0 {
				x = mulmod(x, b)
			}
			b = mulmod(b, b)
			e >>= 1
		}
		if x == 1 || x == n-1 {
			continue
		}
		composite := true
		for range s - 1 {
			x = mulmod(x, x)
			if x == n-1 {
				composite = false
				break
			}
		}
		if composite {
			return false
		}
	}
	return true
}

func TestIsPrime64BelowMillion(t *testing.T) {
	const n = 1_000_000
	want := simpleSieve(n)
	for i := range uint64(n) {
		if got := IsPrime64(i); got != want[i] {
			t.Fatalf("IsPrime64(%d) = %v, want %v", i, got, want[i])
		}
	}
}

// Strong pseudoprimes to several bases, Carmichael numbers, and squares of
// Wieferich primes: every one is composite.
var knownComposites = []uint64{
	2047, 3277, 4033, 4681, 8321, 1373653, 25326001, 3215031751,
	2152302898747, 3474749660383, 341550071728321, 3825123056546413051,
	561, 1105, 1729, 2465, 2821, 6601, 8911, 41041, 825265, 321197185,
	5394826801, 232250619601, 9746347772161, 1436697831295441,
	1093 * 1093, 3511 * 3511, 1194649, 12327121,
	4294967297,           // 2^32+1 = 641·6700417
	18446744073709551615, // 2^64-1
	18446744030759878681, // (2^32-5)^2
	4611686014132420609,  // (2^31-1)^2
	9223372036854775807,  // 2^63-1 = 7^2·73·127·337·92737·649657
}

func TestIsPrime64KnownComposites(t *testing.T) {
	for _, n := range knownComposites {
		if IsPrime64(n) {
			t.Errorf("IsPrime64(%d) = true, want false", n)
		}
		if mr7(n) {
			t.Errorf("oracle mr7(%d) = true; the test list is wrong", n)
		}
	}
}

func TestIsPrime64KnownPrimes(t *testing.T) {
	for _, n := range []uint64{
		2, 3, 5, 251, 257, 65537, 2147483647, 4294967291, 4294967311,
		982451653, 1000000007, 2305843009213693951, 18446744073709551557,
		18446744073709551533, 9223372036854775783,
	} {
		if !IsPrime64(n) {
			t.Errorf("IsPrime64(%d) = false, want true", n)
		}
	}
}

// Chernick's (6k+1)(12k+1)(18k+1) is a Carmichael number whenever its three
// factors are prime: a Fermat test to any coprime base passes it.
func TestIsPrime64Carmichael(t *testing.T) {
	found := 0
	for k := uint64(1); ; k++ {
		a, b, c := 6*k+1, 12*k+1, 18*k+1
		hi, ab := bits.Mul64(a, b)
		hi2, n := bits.Mul64(ab, c)
		if hi != 0 || hi2 != 0 {
			break
		}
		if !mr7(a) || !mr7(b) || !mr7(c) {
			continue
		}
		found++
		if IsPrime64(n) {
			t.Errorf("IsPrime64(%d) = true for the Carmichael number %d·%d·%d", n, a, b, c)
		}
	}
	if found < 100 {
		t.Fatalf("only %d Chernick Carmichael numbers below 2^64", found)
	}
}

func TestIsPrime64Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	count := 200_000
	if testing.Short() {
		count = 20_000
	}
	for range count {
		n := rng.Uint64()
		if got, want := IsPrime64(n), mr7(n); got != want {
			t.Fatalf("IsPrime64(%d) = %v, oracle says %v", n, got, want)
		}
		// Semiprimes of two near-equal primes are the hard composites.
		p := nextPrime(rng.Uint64N(math.MaxUint32))
		q := nextPrime(p + 1 + rng.Uint64N(1000))
		if hi, pq := bits.Mul64(p, q); hi == 0 && IsPrime64(pq) {
			t.Fatalf("IsPrime64(%d·%d) = true", p, q)
		}
	}
}

func TestIsPrime64MatchesMathBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b big.Int
	for range 20_000 {
		n := rng.Uint64() | 1
		if got, want := IsPrime64(n), b.SetUint64(n).ProbablyPrime(0); got != want {
			t.Fatalf("IsPrime64(%d) = %v, math/big says %v", n, got, want)
		}
	}
}

func TestIsPrime64NearPowers(t *testing.T) {
	for shift := 8; shift <= 64; shift++ {
		top := uint64(math.MaxUint64)
		if shift < 64 {
			top = 1<<shift - 1
		}
		for n := top - 2000; n <= top && n >= top-2000; n++ {
			if got, want := IsPrime64(n), mr7(n); got != want {
				t.Fatalf("IsPrime64(%d) = %v, oracle says %v", n, got, want)
			}
			if n == top {
				break
			}
		}
	}
}

func nextPrime(n uint64) uint64 {
	for !mr7(n) {
		n++
	}
	return n
}

func TestIsSquare(t *testing.T) {
	for _, r := range []uint64{0, 1, 2, 3, 1 << 16, math.MaxUint32 - 1, math.MaxUint32} {
		if !isSquare(r * r) {
			t.Errorf("isSquare(%d²) = false", r)
		}
		if r > 1 && isSquare(r*r+1) {
			t.Errorf("isSquare(%d²+1) = true", r)
		}
	}
	if isSquare(math.MaxUint64) {
		t.Error("isSquare(2^64-1) = true")
	}
}
