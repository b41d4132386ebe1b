package prime

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// segmentBytes is the piece of a block sieved by the small primes at a
// time, after presieving it: 32 KiB, so that it stays in the 48 KiB L1
// data cache of this machine's cores (30 numbers per byte).
const segmentBytes = 32 << 10

// smallMax is the largest prime crossed off segment by segment: one with
// fewer periods than that per segment costs more to resume than to cross.
const smallMax = segmentBytes / 8

// mediumMax is the largest prime crossed off block by block (see
// blockBytes); the primes above it go through the buckets of bucket.go.
const mediumMax = blockBytes / 4

// base holds the sieving primes for ranges up to some limit: the small
// and medium ones as lists with their crossing plans, the rest (up to the
// square root of the limit) as a wheel bitmap to walk.
type base struct {
	limit   uint64      // the largest number this base can sieve
	small   []uint64    // sieving primes past the presieved ones, up to smallMax
	plans   []crossPlan // plans[i] is planFor(small[i])
	medium  []uint64    // sieving primes in (smallMax, mediumMax]
	mplans  []crossPlan // mplans[i] is planFor(medium[i])
	large   []byte      // wheel bitmap of [0, sqrt(limit)]: set bits composite
	largeLo uint64      // the first prime the large bitmap is walked from
	sqrt    uint64      // isqrt(limit)
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
	b.small, b.plans = sievingPrimes(presieveMax+1, min(r, smallMax))
	if r > smallMax {
		b.medium, b.mplans = sievingPrimes(smallMax+1, min(r, mediumMax))
	}
	if r > mediumMax {
		// The primes up to r, sieved by all primes up to sqrt(r) < 2^16,
		// which are small and medium ones.
		inner := newBase(r)
		b.large = make([]byte, r/30+1)
		// On all cores: the other workers wait for this base.
		var wg sync.WaitGroup
		n := uint64(len(b.large))
		parts := uint64(runtime.GOMAXPROCS(0))
		per := (n/parts + blockBytes) &^ blockMask
		for a := uint64(0); a < n; a += per {
			wg.Go(func() {
				part := b.large[a:min(a+per, n)]
				_ = inner.sieveInto(context.Background(), part, a, uint64(len(part)), nil)
			})
		}
		wg.Wait()
		b.largeLo = mediumMax + 1
	}
	return b
}

// sievingPrimes returns the primes in [from, to], with their crossing plans.
func sievingPrimes(from, to uint64) ([]uint64, []crossPlan) {
	var ps []uint64
	var plans []crossPlan
	for _, p := range SmallPrimes(to) {
		if p >= from {
			ps = append(ps, p)
			plans = append(plans, planFor(p))
		}
	}
	return ps, plans
}

// sieveInto sieves the n bytes from absolute byte first on, block by block
// (blockBytes each), and calls each, when not nil, with every block in
// order: its bytes with every composite whose least prime factor is at
// most b.sqrt marked (the caller makes sure that covers them), and its
// first absolute byte. When buf holds n bytes the blocks are its pieces;
// otherwise buf holds one block and is reused. It stops early, with ctx's
// error, when ctx is cancelled.
func (b *base) sieveInto(ctx context.Context, buf []byte, first, n uint64, each func(blk []byte, blkFirst uint64)) error {
	whole := uint64(len(buf)) >= n
	lo := first * 30
	sp, _ := statePool.Get().(*[]smallState)
	if sp == nil {
		sp = new([]smallState)
	}
	defer statePool.Put(sp)
	state := slices.Grow((*sp)[:0], len(b.small)+len(b.medium))[:len(b.small)+len(b.medium)]
	*sp = state
	small, medium := state[:len(b.small)], state[len(b.small):]
	for i, p := range b.small {
		small[i].j, small[i].k = firstCross(p, lo)
	}
	for i, p := range b.medium {
		medium[i].j, medium[i].k = firstCross(p, lo)
	}
	var bs *spanBuckets
	if b.large != nil {
		bs = getBuckets(int((n + blockBytes - 1) / blockBytes))
		defer putBuckets(bs)
		if err := b.fillBuckets(ctx, bs, first, n); err != nil {
			return err
		}
	}
	for bi, off := uint64(0), uint64(0); off < n; bi, off = bi+1, off+blockBytes {
		if bi%4 == 3 && ctx.Err() != nil {
			return ctx.Err()
		}
		size := min(blockBytes, n-off)
		blk := buf[:size]
		if whole {
			blk = buf[off : off+size]
		}
		blkFirst := first + off
		for s := uint64(0); s < size; s += segmentBytes {
			seg := blk[s:min(s+segmentBytes, size)]
			presieve(seg, blkFirst+s)
			for i, p := range b.small {
				crossSegment(seg, blkFirst+s, p, &b.plans[i], &small[i])
			}
		}
		for i, p := range b.medium {
			crossSegment(blk, blkFirst, p, &b.mplans[i], &medium[i])
		}
		if bs != nil {
			bs.cross(bi, blk, n)
		}
		if each != nil {
			each(blk, blkFirst)
		}
	}
	return nil
}

var statePool sync.Pool // of *[]smallState, the crossing states of a span

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
