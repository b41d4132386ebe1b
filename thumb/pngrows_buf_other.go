//go:build !unix

package thumb

import "sync"

// rowBufs keeps buffers of PNG rows inflated whole for reuse (*[]byte).
var rowBufs sync.Pool

// getRowBuf returns a buffer of n bytes; putRowBuf takes it back.
func getRowBuf(n int) []byte {
	if b, ok := rowBufs.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n)
}

func putRowBuf(b []byte) { rowBufs.Put(&b) }
