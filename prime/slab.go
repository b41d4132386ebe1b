package prime

import "unsafe"

// The buckets of a far-out span hold a hundred megabytes and more, most
// of it written once, read once and freed within the span. Taken from the
// heap a chunk at a time, that memory comes from the system 4 KiB page by
// page, each page a fault on its first write: a third of the time of a
// cold span of 5·10^8 numbers near 10^18 (the same span sieved again, with
// its chunks pooled, took 1.4 s instead of 2.1 s). So chunks are carved
// from slabs of megabytes, which the system is asked to back with huge
// pages where it can (hugeBytes): a fault then brings 2 MiB.

// A slab's first block is minSlab bytes, and each next one twice the
// last, up to maxSlab: a span near 10^12 needs a megabyte of chunks, one
// near 10^18 a hundred.
const (
	minSlab = 1 << 20
	maxSlab = 32 << 20
)

// slab hands out chunks of memory carved from large blocks. A chunk is
// never given back to the slab: the buckets keep their own free lists,
// and a slab is freed by the garbage collector with the last chunk that
// points into it.
type slab struct {
	rest []byte // what is left of the newest block
	next int    // the size of the next block
}

// alloc returns size bytes, 8-byte aligned, for a chunk type holding no
// pointers.
func (s *slab) alloc(size int) unsafe.Pointer {
	if len(s.rest) < size {
		s.next = min(max(2*s.next, minSlab), maxSlab)
		s.rest = hugeBytes(max(s.next, size))
	}
	p := unsafe.Pointer(unsafe.SliceData(s.rest))
	s.rest = s.rest[(size+7)&^7:]
	return p
}
