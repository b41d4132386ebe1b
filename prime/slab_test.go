package prime

import (
	"testing"
	"unsafe"
)

// Chunks carved from a slab are 8-byte aligned, never overlap, and come
// from new blocks, growing from minSlab to maxSlab, as the old ones run
// out.
func TestSlabChunks(t *testing.T) {
	var s slab
	size := int(unsafe.Sizeof(chunk[uint64]{}))
	var last uintptr
	n := 2*maxSlab/size + 10
	for i := range n {
		p := uintptr(s.alloc(size))
		if p%8 != 0 {
			t.Fatalf("chunk %d at %#x: not 8-byte aligned", i, p)
		}
		if i > 0 && p < last+uintptr(size) && last < p+uintptr(size) {
			t.Fatalf("chunk %d at %#x overlaps the one before, at %#x", i, p, last)
		}
		last = p
	}
	if s.next != maxSlab {
		t.Fatalf("after %d chunks the next block is %d bytes, want %d", n, s.next, maxSlab)
	}
}

// hugeBytes gives exactly the bytes asked for, zeroed.
func TestHugeBytes(t *testing.T) {
	for _, n := range []int{0, 1, 4 << 20, 5<<20 + 3} {
		b := hugeBytes(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("hugeBytes(%d): len %d, cap %d", n, len(b), cap(b))
		}
		for i, c := range b {
			if c != 0 {
				t.Fatalf("hugeBytes(%d)[%d] = %d", n, i, c)
			}
		}
	}
}
