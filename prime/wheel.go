package prime

import (
	"math"
	"math/bits"
)

// The sieve keeps one byte per 30 numbers: bit k of byte i stands for the
// number 30i + wheel[k], the eight residues prime to 30. A set bit marks a
// composite.
var wheel = [8]uint64{1, 7, 11, 13, 17, 19, 23, 29}

// wheelBit maps a residue modulo 30 to its bit, or -1 when it shares a
// factor with 30.
var wheelBit = func() (b [30]int8) {
	for i := range b {
		b[i] = -1
	}
	for k, w := range wheel {
		b[w] = int8(k)
	}
	return b
}()

// crossPlan says, for one sieving prime p, where its multiples p·q with q
// prime to 30 fall: q = 30j + wheel[k] lands in byte p·j + off[k], bit
// mask[k]. off[k] < p, so one "period" j spans p bytes.
type crossPlan struct {
	off  [8]uint64
	mask [8]byte
}

func planFor(p uint64) crossPlan {
	// p = 30a + r, so p·w/30 = a·w + r·w/30: only the second part depends
	// on the residue, and it comes from a table.
	a, t := p/30, &planTable[p%30]
	var c crossPlan
	for k, w := range wheel {
		c.off[k] = a*w + uint64(t.off[k])
	}
	c.mask = t.mask
	return c
}

// planTable holds, for each residue r prime to 30, r·w/30 and the bit of
// r·w mod 30 for each wheel residue w.
var planTable = func() (t [30]struct {
	off  [8]uint8
	mask [8]byte
}) {
	for _, r := range wheel {
		for k, w := range wheel {
			t[r].off[k] = uint8(r * w / 30)
			t[r].mask[k] = 1 << uint(wheelBit[r*w%30])
		}
	}
	return t
}()

// firstCross returns the period j and lane k of the first multiple p·q of p
// with q >= max(p, ceil(from/p)) and q prime to 30.
func firstCross(p, from uint64) (j uint64, k int) {
	q := max(p, from/p)
	if hi, lo := bits.Mul64(q, p); hi == 0 && lo < from {
		q++
	}
	j, k = q/30, int(laneFrom[q%30])
	if k == 8 {
		return j + 1, 0
	}
	return j, k
}

// laneFrom[t] is the first wheel lane k with wheel[k] >= t, or 8.
var laneFrom = func() (l [30]uint8) {
	for t := range l {
		l[t] = 8
		for k := 7; k >= 0; k-- {
			if wheel[k] >= uint64(t) {
				l[t] = uint8(k)
			}
		}
	}
	return l
}()

// SmallPrimes returns the primes up to limit, in order, by a plain sieve
// of the odd numbers. It is meant for limits up to a few million.
func SmallPrimes(limit uint64) []uint64 {
	if limit < 2 {
		return nil
	}
	composite := make([]bool, limit/2+1) // index i stands for 2i+1
	ps := []uint64{2}
	for i := uint64(1); 2*i+1 <= limit; i++ {
		if composite[i] {
			continue
		}
		p := 2*i + 1
		ps = append(ps, p)
		for m := p * p; m <= limit; m += 2 * p {
			composite[m/2] = true
		}
	}
	return ps
}

// isqrt returns floor(sqrt(n)).
func isqrt(n uint64) uint64 {
	r := uint64(math.Sqrt(float64(n)))
	for r > math.MaxUint32 || r*r > n {
		r--
	}
	for r < math.MaxUint32 && (r+1)*(r+1) <= n {
		r++
	}
	return r
}
