//go:build !static

package turbo

import "github.com/ebitengine/purego"

// mmapThreshold is the size from which glibc's malloc gives a block a
// mapping of its own (mallopt M_MMAP_THRESHOLD), unmapped when freed.
const mmapThreshold = 1 << 20

// mMmapThreshold is mallopt's M_MMAP_THRESHOLD (malloc.h).
const mMmapThreshold = -3

// mapLargeBlocks makes the C library map large blocks one by one and
// give them back when freed. libjpeg-turbo allocates a progressive JPEG's
// coefficients, two bytes a sample (16 MiB a component for a 3840×2160
// photo), per decode; glibc's own threshold rises to the largest block
// freed so far (up to 32 MiB), after which such blocks come from the
// arenas of the threads that decode, which keep them once freed: a worker
// making thumbnails of large photos held 100-150 MiB more than it used.
// Without glibc (no libc.so.6, or no mallopt) nothing changes.
func mapLargeBlocks() {
	h, err := purego.Dlopen("libc.so.6", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return
	}
	sym, err := purego.Dlsym(h, "mallopt")
	if err != nil {
		return
	}
	var mallopt func(param, value int32) int32
	purego.RegisterFunc(&mallopt, sym)
	mallopt(mMmapThreshold, mmapThreshold)
}
