//go:build !linux

package prime

// hugeBytes returns a new slice of n bytes: without madvise(MADV_HUGEPAGE)
// there is nothing to ask of the system.
func hugeBytes(n int) []byte { return make([]byte, n) }
