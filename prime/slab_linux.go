package prime

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on linux/amd64 and
// linux/arm64 with 4 KiB base pages.
const hugePage = 2 << 20

// hugeBytes returns a new slice of n bytes that the kernel is asked to
// back with transparent huge pages (MADV_HUGEPAGE), which it does when
// they are enabled as "always" or "madvise": for the sieving primes'
// bitmap, the buckets' slabs and a listed span's text, tens of megabytes
// written once, where a fault then brings 2 MiB instead of 4 KiB. A large
// slice starts on a huge page, from a block a huge page longer, whose
// unused head is never touched. The advice is advice: a kernel without
// huge pages refuses it, and the memory works as before.
func hugeBytes(n int) []byte {
	if n < 2*hugePage {
		return make([]byte, n)
	}
	b := make([]byte, n+hugePage)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := int((hugePage - start%hugePage) % hugePage)
	b = b[lo : lo+n : lo+n]
	_ = syscall.Madvise(b[:n&^(hugePage-1)], syscall.MADV_HUGEPAGE)
	return b
}
