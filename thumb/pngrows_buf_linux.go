package thumb

import "syscall"

// adviseHuge asks Linux for huge pages under a buffer of rows (where
// transparent huge pages are given on request only, as by default):
// fewer page faults and TLB misses as libdeflate writes it and the rows
// are read back.
func adviseHuge(b []byte) { syscall.Madvise(b, syscall.MADV_HUGEPAGE) }
