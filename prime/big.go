package prime

import (
	"math/big"
	"math/bits"
	"sync"
)

// wordGroup is a run of small primes whose product fits in one word, so
// one pass of word divisions over a big number gives its remainder by all
// of them.
type wordGroup struct {
	prod   uint64
	primes []uint64
}

// bigTrialBound is the largest prime IsPrimeBig divides by.
const bigTrialBound = 1 << 17

var bigGroups = sync.OnceValue(func() []wordGroup {
	ps := SmallPrimes(bigTrialBound)
	var gs []wordGroup
	var g wordGroup
	g.prod = 1
	for _, p := range ps {
		if p == 2 {
			continue
		}
		if hi, _ := bits.Mul64(g.prod, p); hi != 0 {
			gs = append(gs, g)
			g = wordGroup{prod: 1}
		}
		g.prod *= p
		g.primes = append(g.primes, p)
	}
	return append(gs, g)
})

// trialBoundFor scales trial division to the size of the number: dividing
// pays while it costs less than the Baillie-PSW test it may save, whose
// cost grows faster than the number's length.
func trialBoundFor(bitLen int) uint64 {
	return min(bigTrialBound, max(2000, uint64(bitLen)*uint64(bitLen)/200))
}

// IsPrimeBig reports whether n is prime. Below 2^64 the answer is exact
// (see IsPrime64). At or above 2^64, "false" is certain and "true" means
// that n passed trial division and math/big's Baillie-PSW test
// (ProbablyPrime(0)), which no known composite passes.
func IsPrimeBig(n *big.Int) bool {
	if n.Sign() <= 0 {
		return false
	}
	if n.IsUint64() {
		return IsPrime64(n.Uint64())
	}
	if n.Bit(0) == 0 {
		return false
	}
	words := n.Bits()
	limit := trialBoundFor(n.BitLen())
	if bits.UintSize != 64 {
		limit = 0 // the word loop below assumes 64-bit words
	}
	for _, g := range bigGroups() {
		if g.primes[0] > limit {
			break
		}
		var r uint64
		for i := len(words) - 1; i >= 0; i-- {
			_, r = bits.Div64(r, uint64(words[i]), g.prod)
		}
		for _, p := range g.primes {
			if r%p == 0 {
				return false // n > 2^64 > p, so p is a proper factor
			}
		}
	}
	return n.ProbablyPrime(0)
}
