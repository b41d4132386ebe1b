package prime

import (
	"context"
	"encoding/binary"
	"math"
	"math/bits"
	"sync"
	"unsafe"
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
	blockShift = 19
	// blockBytes is the piece of a span sieved at a time (15.7 million
	// numbers): half of this machine's 1 MiB L2 cache, where the medium
	// primes' and the buckets' marks land. 512 KiB measured 17% faster
	// than 256 KiB near 10^12 (more primes crossed block by block, fewer
	// through the buckets), 3% far out, the same for pi(10^10); 1 MiB was
	// faster still near 10^12 on one core, but leaves nothing of the L2
	// to a second thread on a core shared.
	blockBytes = 1 << blockShift
	blockMask  = blockBytes - 1
)

// A bucket entry packs one large prime p = 30a + wheel[r] and where its
// next multiple is: byte off of its block and its step t in steps210[r].
// Bits 0-18 off (blockShift bits), 19-24 t, 25-27 r, 28-59 a (p < 2^32).
const (
	entryStep = blockShift
	entryRes  = blockShift + 6
	entryA    = blockShift + 9
)

// chunkLen is the number of entries in a chunk, the unit buckets grow by.
const chunkLen = 2048

type chunk[T uint32 | uint64] struct {
	n int
	e [chunkLen]T
}

// buckets holds, per block of a span, the chunks of its entries: the one
// being filled and the full ones before it, and a free list of chunks.
type buckets[T uint32 | uint64] struct {
	cur  []*chunk[T]
	full [][]*chunk[T]
	free []*chunk[T]
	mem  *slab // where new chunks come from
}

// spanBuckets are the two kinds of bucket of a span: the large primes to
// cross and move on, and the lone marks of the largest primes, which hit
// the span at most a few times and need no moving on.
type spanBuckets struct {
	primes buckets[uint64]
	marks  buckets[uint32] // byte in block << 3 | bit
	mem    slab
}

var bucketPool sync.Pool // of *spanBuckets

func getBuckets(nBlocks int) *spanBuckets {
	bs, _ := bucketPool.Get().(*spanBuckets)
	if bs == nil {
		bs = &spanBuckets{}
		bs.primes.mem, bs.marks.mem = &bs.mem, &bs.mem
	}
	bs.primes.reset(nBlocks)
	bs.marks.reset(nBlocks)
	return bs
}

func putBuckets(bs *spanBuckets) {
	bs.primes.release()
	bs.marks.release()
	bucketPool.Put(bs)
}

// reset readies b for a span of nBlocks blocks, each with a chunk to fill.
func (b *buckets[T]) reset(nBlocks int) {
	if cap(b.cur) < nBlocks {
		b.cur = make([]*chunk[T], nBlocks)
		b.full = make([][]*chunk[T], nBlocks)
	}
	b.cur, b.full = b.cur[:nBlocks], b.full[:nBlocks]
	for i := range b.cur {
		b.cur[i] = b.get()
	}
}

// release returns every chunk still in a bucket (all the blocks' chunks
// to fill, and after a cancelled span the rest) to the free list. A
// pooled spanBuckets so keeps the memory of the largest span it sieved,
// until the pool lets it go at a garbage collection.
func (b *buckets[T]) release() {
	for i, c := range b.cur {
		if c != nil {
			b.free = append(b.free, c)
			b.cur[i] = nil
		}
		b.free = append(b.free, b.full[i]...)
		b.full[i] = b.full[i][:0]
	}
}

// A push adds an entry to the bucket of a block not taken yet: its
// chunk to fill gets the entry, and a chunk that fills up is filed by a
// spill, kept out of line. The pushes are written out where they are
// made, in the sieve's hottest loops: a generic method, or a function,
// with the check for a full chunk is too big for the compiler to inline.

//go:noinline
func spillPrime(b *buckets[uint64], i uint64) { b.spill(i) }

//go:noinline
func spillMark(b *buckets[uint32], i uint64) { b.spill(i) }

// spill files block i's full chunk and gives the block a new one.
func (b *buckets[T]) spill(i uint64) {
	b.full[i] = append(b.full[i], b.cur[i])
	b.cur[i] = b.get()
}

func (b *buckets[T]) get() *chunk[T] {
	if n := len(b.free); n > 0 {
		c := b.free[n-1]
		b.free = b.free[:n-1]
		c.n = 0
		return c
	}
	return (*chunk[T])(b.mem.alloc(int(unsafe.Sizeof(chunk[T]{}))))
}

// take removes block i's chunks and calls f with each one's entries, then
// frees the chunk. f may push to later blocks only.
func (b *buckets[T]) take(i uint64, f func([]T)) {
	for _, c := range b.full[i] {
		f(c.e[:c.n])
		b.free = append(b.free, c)
	}
	b.full[i] = b.full[i][:0]
	if c := b.cur[i]; c != nil {
		b.cur[i] = nil
		f(c.e[:c.n])
		b.free = append(b.free, c)
	}
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
//
// Far out this is most of the work (the primes up to 10^9 for a span near
// 10^18, most with no multiple or one in the span), and a prime's first
// multiple is a chain of some 40 cycles from a division. It goes through
// the primes a bitmap word (up to 64) at a time: first it finds each
// one's first multiple with no branch that depends on the prime, so that
// the chains of the word's primes overlap, and keeps those that hit the
// span; then it queues those, where the branches (how many multiples)
// mispredict but no long chain is lost.
func (b *base) fillBuckets(ctx context.Context, bs *spanBuckets, first, n uint64) error {
	lo := first * 30
	end := first + n // absolute byte past the span
	hiNum := uint64(math.MaxUint64)
	if h, l := bits.Mul64(end, 30); h == 0 {
		hiNum = l - 1
	}
	stop := min(b.sqrt, isqrt(hiNum))
	// Primes p = 30a + r with a >= loneA are 2a bytes or more apart
	// from one multiple to the next: a handful in the span at most.
	loneA := n / 4
	large := b.large
	flo := float64(lo)
	nums := 30 * n                         // numbers in the span
	var hits [64]struct{ rel, art uint64 } // a<<9 | r<<6 | t
	lastByte := min(stop/30, uint64(len(large)-1))
	for w := b.largeLo / 30 &^ 7; w <= lastByte; w += 8 {
		if w&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var free uint64
		if w+8 <= uint64(len(large)) {
			free = ^binary.LittleEndian.Uint64(large[w:])
		} else {
			for t, c := range large[w:] {
				free |= uint64(^c) << (8 * t)
			}
		}
		nh := 0
		for ; free != 0; free &= free - 1 {
			t := bits.TrailingZeros64(free)
			i, r := w+uint64(t>>3), t&7
			p := 30*i + wheel[r]
			// The first multiple p·q >= max(lo, p²) with q prime to 210.
			// lo/p by a float division, which pipelines where an
			// integer one does not: q0 is within one of lo/p (lo < 2^64,
			// p > 2^16 so q0 < 2^48, both with 53-bit mantissas), and
			// never above ceil(lo/p). So d = lo - q0·p is in (-p, 2p),
			// exact in wrapping arithmetic, and the smallest q with
			// q·p >= lo is q0 + (d > 0) + (d > p): no branch, as the
			// signs are at random.
			q := uint64(int64(flo / float64(int64(p))))
			d := lo - q*p
			q = max(q+(-d>>63+(p-d)>>63), p)
			// Most primes far out have no multiple in the span: when the
			// first multiple of p from lo, before its cofactor is rounded
			// up to the wheel, is past the span, so is the rounded one.
			// This test skips the rest for them, and is taken or not in
			// long runs, so it is seldom mispredicted (q·p - lo is exact
			// in wrapping arithmetic: it is below 10p).
			if q*p-lo >= nums {
				continue
			}
			pos, lane := first210(i, uint64(r), q)
			// Keep the prime when its multiple is in the span and it is
			// in [largeLo, stop], with no branch: those are at random
			// (all values are below 2^63, so the top bit of a-b is a < b).
			rel := pos - first
			keep := ((rel - n) >> 63) & ((p - stop - 1) >> 63) & ((b.largeLo - 1 - p) >> 63)
			hits[nh&63] = struct{ rel, art uint64 }{rel, i<<9 | uint64(r)<<6 | lane}
			nh += int(keep)
		}
		for _, h := range hits[:nh] {
			rel := h.rel
			if h.art < loneA<<9 {
				c := bs.primes.cur[rel>>blockShift]
				c.e[c.n&(chunkLen-1)] = rel&blockMask | h.art<<entryStep
				if c.n++; c.n == chunkLen {
					spillPrime(&bs.primes, rel>>blockShift)
				}
				continue
			}
			// Few multiples in the span: queue them all as marks.
			i, steps, t := h.art>>9, &steps210[h.art>>6&7], h.art&63
			for rel < n {
				st := &steps[t]
				c := bs.marks.cur[rel>>blockShift]
				c.e[c.n&(chunkLen-1)] = uint32(rel&blockMask)<<3 | uint32(st.bit)
				if c.n++; c.n == chunkLen {
					spillMark(&bs.marks, rel>>blockShift)
				}
				rel += i*uint64(st.dq) + uint64(st.corr)
				if t++; t == 48 {
					t = 0
				}
			}
		}
	}
	return nil
}

// cross marks in blk, block bi of the span, the multiples of the primes
// in its bucket and moves each prime on to the bucket of its next block,
// and sets its lone marks; n is the span's length in bytes.
func (bs *spanBuckets) cross(bi uint64, blk []byte, n uint64) {
	size := uint64(len(blk))
	blkStart := bi << blockShift
	primes := &bs.primes
	primes.take(bi, func(es []uint64) {
		for _, e := range es {
			off := e & blockMask
			t := (e >> entryStep) & 63
			steps := &steps210[(e>>entryRes)&7]
			a := e >> entryA
			for off < size {
				st := &steps[t]
				blk[off] |= st.mask
				off += a*uint64(st.dq) + uint64(st.corr)
				if t++; t == 48 {
					t = 0
				}
			}
			if rel := blkStart + off; rel < n {
				c := primes.cur[rel>>blockShift]
				c.e[c.n&(chunkLen-1)] = rel&blockMask | t<<entryStep | e>>entryRes<<entryRes
				if c.n++; c.n == chunkLen {
					spillPrime(primes, rel>>blockShift)
				}
			}
		}
	})
	bs.marks.take(bi, func(ms []uint32) {
		for _, m := range ms {
			blk[m>>3&blockMask] |= 1 << (m & 7)
		}
	})
}
