package prime

import (
	"math"
	"math/bits"
	"sync"
)

// segmentBytes is the piece of a span sieved by the small primes at a time,
// sized to stay in the L2 cache (30 numbers per byte).
const segmentBytes = 256 << 10

// base holds the sieving primes for ranges up to some limit: those below
// segmentBytes as a list with their crossing plans, the rest (up to the
// square root of the limit) as a wheel bitmap to walk.
type base struct {
	limit  uint64      // the largest number this base can sieve
	small  []uint64    // sieving primes from 23 up to segmentBytes
	plans  []crossPlan // plans[i] is planFor(small[i])
	large  []byte      // wheel bitmap of [0, sqrt(limit)]: set bits composite
	sqrtLo uint64      // the first prime the large bitmap is walked from
	sqrt   uint64      // isqrt(limit)
}

var (
	baseMu    sync.Mutex
	baseCache *base
)

// baseFor returns sieving primes good for numbers up to limit, reusing the
// last one built when it reaches far enough.
func baseFor(limit uint64) *base {
	baseMu.Lock()
	defer baseMu.Unlock()
	if baseCache != nil && baseCache.limit >= limit {
		return baseCache
	}
	b := newBase(limit)
	baseCache = b
	return b
}

func newBase(limit uint64) *base {
	r := isqrt(limit)
	b := &base{limit: limit, sqrt: r}
	for _, p := range SmallPrimes(min(r, segmentBytes)) {
		if p > presievePrimes[len(presievePrimes)-1] {
			b.small = append(b.small, p)
			b.plans = append(b.plans, planFor(p))
		}
	}
	if r > segmentBytes {
		// The primes up to r, themselves sieved by b.small: r < 2^32 and
		// segmentBytes^2 > 2^32, so the small primes suffice.
		b.large = make([]byte, r/30+1)
		b.sieveBytes(b.large, 0)
		b.sqrtLo = segmentBytes
	}
	return b
}

// sieveBytes marks the composites in buf, which stands for the numbers of
// bytes first, first+1, ... Every composite whose least prime factor is at
// most b.sqrt is marked; the caller makes sure that covers buf.
func (b *base) sieveBytes(buf []byte, first uint64) {
	presieve(buf, first)
	lo := first * 30
	state := make([]smallState, len(b.small))
	for i, p := range b.small {
		state[i].j, state[i].k = firstCross(p, lo)
	}
	for s := 0; s < len(buf); s += segmentBytes {
		seg := buf[s:min(s+segmentBytes, len(buf))]
		segFirst := first + uint64(s)
		for i, p := range b.small {
			crossSegment(seg, segFirst, p, &b.plans[i], &state[i])
		}
	}
	if b.large != nil {
		b.crossLarge(buf, first)
	}
}

// smallState is where a small prime's crossing stopped: period j, lane k.
type smallState struct {
	j uint64
	k int
}

// crossSegment marks the multiples of p in seg, which starts at absolute
// byte segFirst, from st on, and leaves st at the first multiple past seg.
func crossSegment(seg []byte, segFirst, p uint64, c *crossPlan, st *smallState) {
	n := uint64(len(seg))
	start := p * st.j // absolute byte of period j
	if start >= segFirst+n {
		return
	}
	k := st.k
	// The first, possibly partial, period.
	if k != 0 || start < segFirst {
		for ; k < 8; k++ {
			pos := start + c.off[k]
			if pos >= segFirst+n {
				st.k = k
				return
			}
			if pos >= segFirst {
				seg[pos-segFirst] |= c.mask[k]
			}
		}
		st.j++
		start += p
	}
	// Whole periods: eight marks each, no checks but the loop's.
	rel := start - segFirst
	o0, o1, o2, o3 := c.off[0], c.off[1], c.off[2], c.off[3]
	o4, o5, o6, o7 := c.off[4], c.off[5], c.off[6], c.off[7]
	m0, m1, m2, m3 := c.mask[0], c.mask[1], c.mask[2], c.mask[3]
	m4, m5, m6, m7 := c.mask[4], c.mask[5], c.mask[6], c.mask[7]
	for rel+p <= n {
		w := seg[rel : rel+p]
		w[o0] |= m0
		w[o1] |= m1
		w[o2] |= m2
		w[o3] |= m3
		w[o4] |= m4
		w[o5] |= m5
		w[o6] |= m6
		w[o7] |= m7
		rel += p
		st.j++
	}
	// The last, partial period.
	for k = 0; k < 8; k++ {
		pos := rel + c.off[k]
		if pos >= n {
			break
		}
		seg[pos] |= c.mask[k]
	}
	if k == 8 {
		st.j++
		k = 0
	}
	st.k = k
}

// crossLarge marks, in buf (from absolute byte first), the multiples of
// every prime in the large bitmap. Each such prime has few multiples per
// segment, so it is walked once for the whole buffer.
func (b *base) crossLarge(buf []byte, first uint64) {
	lo := first * 30
	end := first + uint64(len(buf)) // absolute byte past buf
	hiNum := uint64(math.MaxUint64)
	if h, l := bits.Mul64(end, 30); h == 0 {
		hiNum = l - 1
	}
	b.walkLarge(func(p uint64) bool {
		if hi, sq := bits.Mul64(p, p); hi != 0 || sq > hiNum {
			return false
		}
		j, k := firstCross(p, lo)
		c := planFor(p)
		for pj := p * j; pj < end; pj += p {
			for ; k < 8; k++ {
				pos := pj + c.off[k]
				if pos >= end {
					return true
				}
				buf[pos-first] |= c.mask[k]
			}
			k = 0
		}
		return true
	})
}

// walkLarge calls f with each prime of the large bitmap from sqrtLo up, in
// order, until f returns false.
func (b *base) walkLarge(f func(p uint64) bool) {
	for i := b.sqrtLo / 30; i < uint64(len(b.large)); i++ {
		free := ^b.large[i]
		for free != 0 {
			k := bits.TrailingZeros8(free)
			free &= free - 1
			p := 30*i + wheel[k]
			if p < b.sqrtLo {
				continue
			}
			if p > b.sqrt || !f(p) {
				return
			}
		}
	}
}
