package prime

import (
	"math"
	"math/bits"
)

// divisor tests divisibility by one odd prime p without a division: for
// odd p, p divides n exactly when n·p^-1 mod 2^64 is at most (2^64-1)/p.
type divisor struct {
	inv uint64 // p^-1 mod 2^64
	max uint64 // (2^64-1)/p
}

// trialPrimes are the odd primes IsPrime64 divides by before the
// Baillie-PSW test; trialLimit is the square of the next prime, below which
// trial division alone decides.
var (
	trialPrimes = []uint64{
		3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67,
		71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149,
	}
	trialLimit = uint64(151 * 151)
	trialDivs  = makeDivisors(trialPrimes)
	// smallPrimeBits has bit n set when n < 256 is prime.
	smallPrimeBits = makeSmallPrimeBits()
)

func makeDivisors(ps []uint64) []divisor {
	ds := make([]divisor, len(ps))
	for i, p := range ps {
		inv := p
		for range 5 {
			inv *= 2 - p*inv
		}
		ds[i] = divisor{inv: inv, max: math.MaxUint64 / p}
	}
	return ds
}

func makeSmallPrimeBits() (b [4]uint64) {
	for n := 2; n < 256; n++ {
		prime := true
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			b[n>>6] |= 1 << (n & 63)
		}
	}
	return b
}

// IsPrime64 reports whether n is prime. The answer is exact for every
// uint64: trial division by the primes below 150, then a strong Fermat
// test to base 2 and an extra strong Lucas test (Baillie-PSW), which no
// composite below 2^64 passes.
func IsPrime64(n uint64) bool {
	if n < 256 {
		return smallPrimeBits[n>>6]&(1<<(n&63)) != 0
	}
	if n&1 == 0 {
		return false
	}
	for _, d := range trialDivs {
		if n*d.inv <= d.max {
			return false
		}
	}
	if n < trialLimit {
		return true
	}
	m := newMont(n)
	return m.strongFermat2() && m.extraStrongLucas()
}

// strongFermat2 is the Miller-Rabin test of the odd modulus to base 2.
func (m *mont) strongFermat2() bool {
	n := m.n
	s := bits.TrailingZeros64(n - 1)
	d := (n - 1) >> s
	minus1 := n - m.one
	// Left-to-right powering: squaring, and doubling for each set bit
	// (doubling is a modular addition in Montgomery form).
	top := 63 - bits.LeadingZeros64(d)
	x := m.add(m.one, m.one) // 2^1 for the top bit
	for i := top - 1; i >= 0; i-- {
		x = m.mul(x, x)
		if d>>uint(i)&1 != 0 {
			x = m.add(x, x)
		}
	}
	if x == m.one || x == minus1 {
		return true
	}
	for range s - 1 {
		x = m.mul(x, x)
		if x == minus1 {
			return true
		}
		if x == m.one {
			return false
		}
	}
	return false
}

// extraStrongLucas is the extra strong Lucas probable prime test with
// Baillie's parameters: the least P >= 3 with Jacobi((P^2-4)/n) = -1, and
// Q = 1. The modulus must be odd, above 256 and past trial division.
func (m *mont) extraStrongLucas() bool {
	n := m.n
	var p uint64 = 3
	for ; ; p++ {
		d := p*p - 4
		j := jacobi(d, n)
		if j == -1 {
			break
		}
		if j == 0 && d%n != 0 {
			return false // n shares a factor with d
		}
		if p == 20 && isSquare(n) {
			return false // a square never has a -1 Jacobi symbol
		}
	}
	// n+1 = d·2^s; n < 2^64-1 here since 2^64-1 is divisible by 3.
	s := bits.TrailingZeros64(n + 1)
	d := (n + 1) >> s
	two := m.add(m.one, m.one)
	pm := m.to(p % n)
	// Ladder on (V_k, V_k+1), from k = 1: V_1 = P, V_2 = P^2-2.
	vk := pm
	vk1 := m.sub(m.mul(pm, pm), two)
	for i := 62 - bits.LeadingZeros64(d); i >= 0; i-- {
		t := m.sub(m.mul(vk, vk1), pm)
		if d>>uint(i)&1 != 0 {
			vk, vk1 = t, m.sub(m.mul(vk1, vk1), two)
		} else {
			vk, vk1 = m.sub(m.mul(vk, vk), two), t
		}
	}
	// U_d = (2·V_d+1 - P·V_d)/D, so U_d ≡ 0 exactly when 2·V_d+1 ≡ P·V_d.
	if (vk == two || vk == n-two) && m.add(vk1, vk1) == m.mul(pm, vk) {
		return true
	}
	for range s - 1 {
		if vk == 0 {
			return true
		}
		if vk == two {
			return false
		}
		vk = m.sub(m.mul(vk, vk), two)
	}
	return false
}

// jacobi returns the Jacobi symbol (a/n) for odd n.
func jacobi(a, n uint64) int {
	a %= n
	t := 1
	for a != 0 {
		z := bits.TrailingZeros64(a)
		a >>= uint(z)
		if z&1 != 0 && (n&7 == 3 || n&7 == 5) {
			t = -t
		}
		if a&3 == 3 && n&3 == 3 {
			t = -t
		}
		a, n = n%a, a
	}
	if n == 1 {
		return t
	}
	return 0
}

// isSquare reports whether n is a perfect square.
func isSquare(n uint64) bool {
	r := uint64(math.Sqrt(float64(n)))
	for {
		hi, lo := bits.Mul64(r, r)
		if hi == 0 && lo <= n {
			break
		}
		r--
	}
	for {
		hi, lo := bits.Mul64(r+1, r+1)
		if hi != 0 || lo > n {
			break
		}
		r++
	}
	return r*r == n
}
