package prime

import (
	"context"
	"math"
	"math/bits"
	"sync"
	"unsafe"
)

// segmentBytes is the piece of a span sieved by the small primes at a time,
// sized to stay in the 48 KiB L1 cache (30 numbers per byte). The primes above it
// are crossed off over the whole span at once, which stays in L2.
const segmentBytes = 40 << 10

// smallMax is the largest prime crossed off segment by segment: one with
// fewer periods than that per segment costs more to resume than to cross.
const smallMax = segmentBytes / 8

// base holds the sieving primes for ranges up to some limit: those below
// segmentBytes as a list with their crossing plans, the rest (up to the
// square root of the limit) as a wheel bitmap to walk.
type base struct {
	limit  uint64      // the largest number this base can sieve
	small  []uint64    // sieving primes past the presieved ones, up to smallMax
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
	b.small, b.plans = sievingPrimes(min(r, smallMax))
	if r > smallMax {
		// The primes up to r, sieved by all primes up to sqrt(r) < 2^16
		// as small ones.
		inner := &base{}
		inner.small, inner.plans = sievingPrimes(isqrt(r))
		b.large = make([]byte, r/30+1)
		inner.sieveBytes(context.Background(), b.large, 0)
		b.sqrtLo = smallMax + 1
	}
	return b
}

// sievingPrimes returns the primes past the presieved ones up to limit,
// with their crossing plans.
func sievingPrimes(limit uint64) ([]uint64, []crossPlan) {
	var ps []uint64
	var plans []crossPlan
	for _, p := range SmallPrimes(limit) {
		if p > presieveMax {
			ps = append(ps, p)
			plans = append(plans, planFor(p))
		}
	}
	return ps, plans
}

// sieveBytes marks the composites in buf, which stands for the numbers of
// bytes first, first+1, ... Every composite whose least prime factor is at
// most b.sqrt is marked; the caller makes sure that covers buf. It stops
// early, with ctx's error, when ctx is cancelled.
func (b *base) sieveBytes(ctx context.Context, buf []byte, first uint64) error {
	presieve(buf, first)
	lo := first * 30
	state := make([]smallState, len(b.small))
	for i, p := range b.small {
		state[i].j, state[i].k = firstCross(p, lo)
	}
	for s := 0; s < len(buf); s += segmentBytes {
		if s%(64*segmentBytes) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		seg := buf[s:min(s+segmentBytes, len(buf))]
		segFirst := first + uint64(s)
		for i, p := range b.small {
			crossSegment(seg, segFirst, p, &b.plans[i], &state[i])
		}
	}
	if b.large != nil {
		return b.crossLarge(ctx, buf, first)
	}
	return nil
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
	if rel+p <= n {
		rel, st.j = crossPeriods(seg, rel, p, st.j, c)
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

// crossPeriods marks the whole periods of p in seg from byte rel on, while
// rel+p <= len(seg), and returns where it stopped and the period count j
// advanced as far. This loop does most of the sieve's work: it stores
// through raw pointers because every offset is below p, so every store
// is inside seg, which the loop condition guarantees and the compiler
// cannot prove.
func crossPeriods(seg []byte, rel, p, j uint64, c *crossPlan) (uint64, uint64) {
	n := uint64(len(seg))
	if n < p || rel > n-p {
		return rel, j
	}
	base := unsafe.Pointer(unsafe.SliceData(seg))
	from, last, step := uintptr(rel), uintptr(n-p), uintptr(p)
	var end uintptr
	switch p % 30 {
	case 1:
		end = crossPeriods1(base, from, last, step, c)
	case 7:
		end = crossPeriods7(base, from, last, step, c)
	case 11:
		end = crossPeriods11(base, from, last, step, c)
	case 13:
		end = crossPeriods13(base, from, last, step, c)
	case 17:
		end = crossPeriods17(base, from, last, step, c)
	case 19:
		end = crossPeriods19(base, from, last, step, c)
	case 23:
		end = crossPeriods23(base, from, last, step, c)
	default:
		end = crossPeriods29(base, from, last, step, c)
	}
	return uint64(end), j + uint64(end-from)/p
}

// crossLarge marks, in buf (from absolute byte first), the multiples of
// every prime in the large bitmap. Each such prime has few multiples per
// segment, so it is walked once for the whole buffer.
func (b *base) crossLarge(ctx context.Context, buf []byte, first uint64) error {
	lo := first * 30
	end := first + uint64(len(buf)) // absolute byte past buf
	hiNum := uint64(math.MaxUint64)
	if h, l := bits.Mul64(end, 30); h == 0 {
		hiNum = l - 1
	}
	var err error
	n := 0
	var far *farMarks
	if len(buf) > 4*blockBytes {
		far = newFarMarks(buf)
	}
	b.walkLarge(func(p uint64) bool {
		if hi, sq := bits.Mul64(p, p); hi != 0 || sq > hiNum {
			return false
		}
		if n++; n%(1<<20) == 0 && ctx.Err() != nil {
			err = ctx.Err()
			return false
		}
		var st smallState
		st.j, st.k = firstCross(p, lo)
		// Far out, most large primes have no multiple in buf: check the
		// first one before making the full plan.
		a, r := p/30, p%30
		if p*st.j+a*wheel[st.k]+uint64(planTable[r].off[st.k]) >= end {
			return true
		}
		if far != nil && p > blockBytes {
			far.add(p, st.j, st.k, first, end)
			return true
		}
		c := planFor(p)
		crossSegment(buf, first, p, &c, &st)
		return true
	})
	if far != nil {
		far.flush()
	}
	return err
}

// blockBytes is the block of a wide buffer that the sparse multiples of
// the largest primes are gathered for, so that marking them hits the L2
// cache instead of memory.
const blockBytes = 1 << 20

// farMarks gathers the multiples of primes above blockBytes, per block of
// the buffer, and marks them a block at a time.
type farMarks struct {
	buf    []byte
	blocks [][]uint32 // per block: byte offset << 3 | bit
	queued int
}

func newFarMarks(buf []byte) *farMarks {
	return &farMarks{buf: buf, blocks: make([][]uint32, (len(buf)+blockBytes-1)/blockBytes)}
}

// add queues the multiples of p from period j, lane k on, below absolute
// byte end; buf starts at absolute byte first.
func (f *farMarks) add(p, j uint64, k int, first, end uint64) {
	a, t := p/30, &planTable[p%30]
	for pj := p * j; pj < end; pj += p {
		for ; k < 8; k++ {
			pos := pj + a*wheel[k] + uint64(t.off[k])
			if pos >= end {
				return
			}
			rel := pos - first
			blk := rel / blockBytes
			f.blocks[blk] = append(f.blocks[blk], uint32(rel)<<3|uint32(bits.TrailingZeros8(t.mask[k])))
			if f.queued++; f.queued >= 1<<20 {
				f.flush()
			}
		}
		k = 0
	}
}

// flush marks every queued multiple, block by block.
func (f *farMarks) flush() {
	buf := f.buf
	for i, q := range f.blocks {
		for _, e := range q {
			buf[e>>3] |= 1 << (e & 7)
		}
		f.blocks[i] = q[:0]
	}
	f.queued = 0
}

// walkLarge calls f with each prime of the large bitmap from sqrtLo up, in
// order, until f returns false.
func (b *base) walkLarge(f func(p uint64) bool) {
	b.walkPrimes(b.sqrtLo, b.sqrt, f)
}

// walkPrimes calls f with each prime of the large bitmap in [from, to], in
// order, until f returns false.
func (b *base) walkPrimes(from, to uint64, f func(p uint64) bool) {
	for i := from / 30; i < uint64(len(b.large)); i++ {
		free := ^b.large[i]
		for free != 0 {
			k := bits.TrailingZeros8(free)
			free &= free - 1
			p := 30*i + wheel[k]
			if p < from {
				continue
			}
			if p > to || !f(p) {
				return
			}
		}
	}
}
