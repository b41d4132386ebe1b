//go:build !static

package libdeflate

import (
	"fmt"
	"os"

	"github.com/ebitengine/purego"
)

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then libdeflate is never used.
const Static = false

func load() error {
	lib.once.Do(func() {
		if os.Getenv(DisableEnv) != "" {
			lib.err = fmt.Errorf("libdeflate: disabled by %s", DisableEnv)
			return
		}
		h, err := purego.Dlopen(Library, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			lib.err = fmt.Errorf("libdeflate: load %s: %w", Library, err)
			return
		}
		defer func() {
			if r := recover(); r != nil { // a symbol is missing: too old a library
				lib.err = fmt.Errorf("libdeflate: %s: %v", Library, r)
			}
		}()
		purego.RegisterLibFunc(&lib.alloc, h, "libdeflate_alloc_decompressor")
		purego.RegisterLibFunc(&lib.free, h, "libdeflate_free_decompressor")
		purego.RegisterLibFunc(&lib.decompress, h, "libdeflate_zlib_decompress_ex")
	})
	return lib.err
}
