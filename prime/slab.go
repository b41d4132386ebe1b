package prime

import "unsafe"

// The buckets of a far-out span hold a hundred megabytes and more, most
// of it written once, read once and freed within the span. Taken from the
// heap a chunk at a time, that memory comes from the system 4 KiB page by
// page, each page a fault on its first write: a third of the time of a
// cold span of 5·10^8 numbers near 10^18 (the same span sieved again, with
// its chunks pooled, took 1.4 s instead of 2.1 s). So chunks are carved
// from slabs of slabBytes, which the system is asked to back with huge
// pages where it can (adviseHuge): a fault then brings 2 MiB.

// slabBytes is the size of one slab: 16 huge pages.
const slabBytes = 32 << 20

// slab hands out chunks of memory carved from large blocks. A chunk is
// never given back to the slab: the buckets keep their own free lists,
// and a slab is freed by the garbage collector with the last chunk that
// points into it.
type slab struct {
	rest []byte // what is left of the newest block
}

// alloc returns size bytes, 8-byte aligned, for a chunk type holding no
// pointers.
func (s *slab) alloc(size int) unsafe.Pointer {
	if len(s.rest) < size {
		s.rest = make([]byte, max(slabBytes, size))
		adviseHuge(s.rest)
	}
	p := unsafe.Pointer(unsafe.SliceData(s.rest))
	s.rest = s.rest[(size+7)&^7:]
	return p
}

// hugeBytes returns a new slice of n bytes, advised for huge pages when
// it is large (see adviseHuge): for the sieving primes' bitmap and a
// listed span's text, tens of megabytes written once.
func hugeBytes(n int) []byte {
	b := make([]byte, n)
	adviseHuge(b)
	return b
}
