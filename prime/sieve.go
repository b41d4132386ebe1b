package prime

//go:generate go run gen_cross.go

import (
	"context"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
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
// A prime up to it has a period or more per block, and resuming one
// (crossGroups) costs less than moving it from bucket to bucket: pi(10^10)
// sieved 5% faster with mediumMax at blockBytes than at blockBytes/4.
const mediumMax = blockBytes

// base holds the sieving primes for ranges up to some limit: the small
// and medium ones as lists, the rest (up to the square root of the limit)
// as a wheel bitmap to walk.
type base struct {
	limit   uint64      // the largest number this base can sieve
	small   primeGroups // sieving primes past the presieved ones, up to smallMax
	medium  primeGroups // sieving primes in (smallMax, mediumMax]
	large   []byte      // wheel bitmap of [0, sqrt(limit)]: set bits composite
	largeLo uint64      // the first prime the large bitmap is walked from
	sqrt    uint64      // isqrt(limit)
}

// primeGroups holds sieving primes sorted by residue modulo 30, then by
// size: group g, of the primes p with p%30 == wheel[g], is
// ps[ends[g-1]:ends[g]]. Each group is crossed by its own loop
// (cross_gen.go), so no prime needs a branch on its residue.
type primeGroups struct {
	ps   []uint64
	ends [8]int
}

var (
	baseMu    sync.Mutex
	baseCache *base
)

// baseFor returns sieving primes good for numbers up to limit, reusing the
// last one built when it reaches far enough. It builds for a square root
// rounded up by at most an eighth, so that the spans of one job, whose
// limits differ by a little, share one base instead of each building its
// own (far out, a bitmap of the primes up to 10^9).
func baseFor(limit uint64) *base {
	r := isqrt(limit)
	if s := bits.Len64(r); s > 4 {
		g := uint64(1) << (s - 4) // at most r/8
		r = (r + g - 1) &^ (g - 1)
	}
	r = min(r, math.MaxUint32)
	limit = r*r + 2*r // (r+1)² - 1, the last number with square root r
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
	b.small = sievingPrimes(presieveMax+1, min(r, smallMax))
	if r > smallMax {
		b.medium = sievingPrimes(smallMax+1, min(r, mediumMax))
	}
	if r > mediumMax {
		// The primes up to r, sieved by all primes up to sqrt(r) < 2^16,
		// which are small and medium ones.
		inner := newBase(r)
		b.large = hugeBytes(int(r/30 + 1))
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

// sievingPrimes returns the primes in [from, to], grouped by residue.
func sievingPrimes(from, to uint64) primeGroups {
	var groups [8][]uint64
	for _, p := range SmallPrimes(to) {
		if p >= from {
			g := wheelBit[p%30]
			groups[g] = append(groups[g], p)
		}
	}
	var g primeGroups
	for k := range groups {
		g.ps = append(g.ps, groups[k]...)
		g.ends[k] = len(g.ps)
	}
	return g
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
	sp, _ := statePool.Get().(*[]crossState)
	if sp == nil {
		sp = new([]crossState)
	}
	defer statePool.Put(sp)
	ns, nm := len(b.small.ps), len(b.medium.ps)
	state := slices.Grow((*sp)[:0], ns+nm)[:ns+nm]
	*sp = state
	small, medium := state[:ns], state[ns:]
	startStates(small, b.small.ps, first)
	startStates(medium, b.medium.ps, first)
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
			crossGroups(seg, small, &b.small.ends)
		}
		crossGroups(blk, medium, &b.medium.ends)
		if bs != nil {
			bs.cross(bi, blk, n)
		}
		if each != nil {
			each(blk, blkFirst)
		}
	}
	return nil
}

var statePool sync.Pool // of *[]crossState, the crossing states of a span

// crossState is where the crossing of a small or medium prime
// p = 30a + r stands: pos is the byte of its next multiple relative to the
// piece (segment or block) to be sieved next, ak is a<<3 | k with k the
// wheel lane of that multiple's cofactor. Keeping the position relative,
// rather than the period count, makes resuming in the next piece a
// subtraction; at eight bytes a prime the states of the 43,000 medium
// primes take 344 KB.
type crossState struct {
	pos, ak uint32
}

// startStates sets sts[i] to the first multiple p·q of ps[i] with q prime
// to 30 and p·q >= max(30·first, p²), relative to absolute byte first.
// That multiple may be past a uint32 of bytes (p² is, for p near
// mediumMax, from first = 0): it is then past any span (MaxSpan/30 bytes
// at most), and the state is kept at math.MaxUint32, which never comes
// into a piece.
func startStates(sts []crossState, ps []uint64, first uint64) {
	for i, p := range ps {
		j, k := firstCross(p, first*30)
		pos := p*j + p/30*wheel[k] + uint64(planTable[p%30].off[k]) - first
		sts[i] = crossState{pos: uint32(min(pos, math.MaxUint32)), ak: uint32(p/30<<3 | uint64(k))}
	}
}

// crossGroups crosses off seg the multiples of a primeGroups with ends
// ends, whose states are sts.
func crossGroups(seg []byte, sts []crossState, ends *[8]int) {
	crossGroup1(seg, sts[:ends[0]])
	crossGroup7(seg, sts[ends[0]:ends[1]])
	crossGroup11(seg, sts[ends[1]:ends[2]])
	crossGroup13(seg, sts[ends[2]:ends[3]])
	crossGroup17(seg, sts[ends[3]:ends[4]])
	crossGroup19(seg, sts[ends[4]:ends[5]])
	crossGroup23(seg, sts[ends[5]:ends[6]])
	crossGroup29(seg, sts[ends[6]:ends[7]])
}
