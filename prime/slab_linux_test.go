package prime

import (
	"testing"
	"unsafe"
)

// On Linux a large slice starts on a huge page, so that all of it can be
// backed by huge pages.
func TestHugeBytesAligned(t *testing.T) {
	b := hugeBytes(6 << 20)
	if p := uintptr(unsafe.Pointer(unsafe.SliceData(b))); p%hugePage != 0 {
		t.Fatalf("hugeBytes(6 MiB) starts at %#x, not on a 2 MiB boundary", p)
	}
}
