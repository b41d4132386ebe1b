package prime

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on linux/amd64 and
// linux/arm64 with 4 KiB base pages.
const hugePage = 2 << 20

// adviseHuge asks the kernel to back the whole huge pages inside b with
// transparent huge pages (MADV_HUGEPAGE), which it does when they are
// enabled as "always" or "madvise". It is advice: a kernel without them
// refuses it, and the memory works as before.
func adviseHuge(b []byte) {
	if len(b) < 2*hugePage {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (hugePage - start%hugePage) % hugePage
	n := (uintptr(len(b)) - lo) &^ (hugePage - 1)
	_ = syscall.Madvise(b[lo:lo+n], syscall.MADV_HUGEPAGE)
}
