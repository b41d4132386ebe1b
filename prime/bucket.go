package prime

import (
	"context"
	"math"
	"math/bits"
	"sync"
)

// The large sieving primes, above mediumMax, hit a block a few times or
// not at all, so crossing them block by block would mostly cost the
// visit. They go through buckets instead, as in Tomás Oliveira e Silva's
// cache-friendly sieve (and primesieve): every large prime sits in the
// bucket of the block its next multiple falls in. Sieving a block takes
// its bucket, marks each prime's multiples in the block, and moves the
// prime to the bucket of the block it hits next, or drops it when that is
// past the span. A block touches only the primes that hit it.

const (
	blockShift = 18
	// blockBytes is the piece of a span sieved at a time (7.8 million
	// numbers): it stays in this machine's 1 MiB L2 cache while the
	// buckets' marks land in it.
	blockBytes = 1 << blockShift
	blockMask  = blockBytes - 1
)

// A bucket entry packs one large prime p = 30a + wheel[r] and where its
// next multiple is: byte off of its block and wheel lane k of the
// cofactor. Bits 0-17 off, 18-20 k, 21-23 r, 24-55 a (p < 2^32).
const (
	entryLane = blockShift
	entryRes  = blockShift + 3
	entryA    = blockShift + 6
)

// chunkLen is the number of entries in a chunk, the unit buckets grow by.
const chunkLen = 2048

type chunk struct {
	n int
	e [chunkLen]uint64
}

// buckets holds, per block of a span, the chunks of the large primes
// whose next multiple falls in it, and a free list of chunks to reuse.
type buckets struct {
	lists [][]*chunk
	free  []*chunk
}

var bucketPool sync.Pool // of *buckets

// maxFreeChunks bounds the chunks a pooled buckets keeps (32 MiB).
const maxFreeChunks = 2048

func getBuckets(nBlocks int) *buckets {
	bs, _ := bucketPool.Get().(*buckets)
	if bs == nil {
		bs = &buckets{}
	}
	if cap(bs.lists) < nBlocks {
		bs.lists = make([][]*chunk, nBlocks)
	}
	bs.lists = bs.lists[:nBlocks]
	return bs
}

func putBuckets(bs *buckets) {
	for i, l := range bs.lists {
		bs.free = append(bs.free, l...)
		bs.lists[i] = l[:0]
	}
	if len(bs.free) > maxFreeChunks {
		clear(bs.free[maxFreeChunks:])
		bs.free = bs.free[:maxFreeChunks]
	}
	bucketPool.Put(bs)
}

// push adds entry e to the bucket of block i.
func (bs *buckets) push(i uint64, e uint64) {
	l := bs.lists[i]
	if n := len(l); n > 0 {
		if c := l[n-1]; c.n < chunkLen {
			c.e[c.n] = e
			c.n++
			return
		}
	}
	var c *chunk
	if n := len(bs.free); n > 0 {
		c = bs.free[n-1]
		bs.free = bs.free[:n-1]
	} else {
		c = new(chunk)
	}
	c.e[0], c.n = e, 1
	bs.lists[i] = append(l, c)
}

// laneStep says, for a prime of wheel residue r and a multiple in lane k,
// how far the next multiple is: a·dw[k] + doff[k] bytes for p = 30a + r,
// and which bit of its byte the multiple in lane k is.
type laneStep struct {
	dw, doff [8]uint64
	mask     [8]byte
}

var laneSteps = func() (t [8]laneStep) {
	for ri, r := range wheel {
		pt := &planTable[r]
		for k := range 8 {
			t[ri].mask[k] = pt.mask[k]
			if k < 7 {
				t[ri].dw[k] = wheel[k+1] - wheel[k]
				t[ri].doff[k] = uint64(pt.off[k+1]) - uint64(pt.off[k])
			} else {
				// From lane 7 of period j to lane 0 of period j+1.
				t[ri].dw[k] = 30 + wheel[0] - wheel[7]
				t[ri].doff[k] = r + uint64(pt.off[0]) - uint64(pt.off[7])
			}
		}
	}
	return t
}()

// fillBuckets puts every large prime with a multiple in the n bytes from
// absolute byte first on into the bucket of the block of its first one.
func (b *base) fillBuckets(ctx context.Context, bs *buckets, first, n uint64) error {
	lo := first * 30
	end := first + n // absolute byte past the span
	hiNum := uint64(math.MaxUint64)
	if h, l := bits.Mul64(end, 30); h == 0 {
		hiNum = l - 1
	}
	stop := min(b.sqrt, isqrt(hiNum))
	large := b.large
	for i := b.largeLo / 30; i < uint64(len(large)); i++ {
		if i&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for free := ^large[i]; free != 0; free &= free - 1 {
			r := bits.TrailingZeros8(free)
			p := 30*i + wheel[r]
			if p > stop {
				return nil
			}
			if p < b.largeLo {
				continue
			}
			// The first multiple p·q >= max(lo, p²) with q prime to 30:
			// q*p <= lo, so it does not overflow.
			q := lo / p
			if q*p < lo {
				q++
			}
			q = max(q, p)
			j, k := q/30, uint64(laneFrom[q%30])
			if k == 8 {
				j, k = j+1, 0
			}
			pos := p*j + i*wheel[k] + uint64(planTable[wheel[r]].off[k])
			if pos >= end {
				continue
			}
			rel := pos - first
			bs.push(rel>>blockShift, rel&blockMask|k<<entryLane|uint64(r)<<entryRes|i<<entryA)
		}
	}
	return nil
}

// cross marks the multiples of the primes in block bi's bucket in blk, the
// block's bytes, and moves each prime on to the bucket of its next block;
// n is the span's length in bytes.
func (bs *buckets) cross(bi uint64, blk []byte, n uint64) {
	list := bs.lists[bi]
	size := uint64(len(blk))
	blkStart := bi << blockShift
	for _, c := range list {
		for _, e := range c.e[:c.n] {
			off := e & blockMask
			k := (e >> entryLane) & 7
			ri := (e >> entryRes) & 7
			a := e >> entryA
			t := &laneSteps[ri]
			for off < size {
				blk[off] |= t.mask[k]
				off += a*t.dw[k] + t.doff[k]
				k = (k + 1) & 7
			}
			if rel := blkStart + off; rel < n {
				bs.push(rel>>blockShift, rel&blockMask|k<<entryLane|ri<<entryRes|a<<entryA)
			}
		}
		c.n = 0
		bs.free = append(bs.free, c)
	}
	bs.lists[bi] = list[:0]
}
