//go:build unix

package thumb

import (
	"runtime"
	"sync"
	"syscall"
)

// Buffers of PNG rows inflated whole are mapped from the system, outside
// Go's heap: a few megabytes to tens a PNG, that in the heap would count
// twice towards the garbage collector's target (GOGC) and raise the
// process's peak by as much again. At most one a decoding thread
// (GOMAXPROCS) is kept for reuse, so that a run faults each buffer's
// pages in once and never clears them: libdeflate overwrites them all.
var rowBufs struct {
	mu   sync.Mutex
	free [][]byte
}

// rowBufUnit is what buffer sizes are rounded up to, so that PNGs of
// similar sizes share buffers.
const rowBufUnit = 2 << 20 // a huge page

// getRowBuf returns a buffer of n bytes, kept or newly mapped (or from
// Go's heap if mapping fails); putRowBuf takes it back.
func getRowBuf(n int) []byte {
	rowBufs.mu.Lock()
	var drop []byte
	for i, b := range rowBufs.free {
		if cap(b) >= n {
			rowBufs.free = append(rowBufs.free[:i], rowBufs.free[i+1:]...)
			rowBufs.mu.Unlock()
			return b[:n]
		}
	}
	if k := len(rowBufs.free); k > 0 && k >= runtime.GOMAXPROCS(0) {
		drop, rowBufs.free = rowBufs.free[k-1], rowBufs.free[:k-1] // too small, and no room for another
	}
	rowBufs.mu.Unlock()
	if drop != nil {
		syscall.Munmap(drop[:cap(drop)])
	}
	size := (n + rowBufUnit - 1) / rowBufUnit * rowBufUnit
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n)
	}
	adviseHuge(b)
	return b[:n]
}

// putRowBuf keeps b for reuse, or unmaps it when as many as GOMAXPROCS
// are kept already.
func putRowBuf(b []byte) {
	rowBufs.mu.Lock()
	if len(rowBufs.free) < runtime.GOMAXPROCS(0) {
		rowBufs.free = append(rowBufs.free, b)
		rowBufs.mu.Unlock()
		return
	}
	rowBufs.mu.Unlock()
	syscall.Munmap(b[:cap(b)]) // fails harmlessly for a buffer from Go's heap
}
