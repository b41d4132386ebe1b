//go:build !static

package turbo

import (
	"fmt"
	"os"

	"github.com/ebitengine/purego"
)

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then libjpeg-turbo is never used.
const Static = false

func load() error {
	lib.once.Do(func() {
		if os.Getenv(DisableEnv) != "" {
			lib.err = fmt.Errorf("turbo: disabled by %s", DisableEnv)
			return
		}
		h, err := purego.Dlopen(Library, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			lib.err = fmt.Errorf("turbo: load %s: %w", Library, err)
			return
		}
		defer func() {
			if r := recover(); r != nil { // a symbol is missing: too old a library
				lib.err = fmt.Errorf("turbo: %s: %v", Library, r)
			}
		}()
		purego.RegisterLibFunc(&lib.initDecompress, h, "tjInitDecompress")
		purego.RegisterLibFunc(&lib.destroy, h, "tjDestroy")
		purego.RegisterLibFunc(&lib.decodeHeader, h, "tjDecompressHeader3")
		purego.RegisterLibFunc(&lib.decompress, h, "tjDecompress2")
		purego.RegisterLibFunc(&lib.errorStr, h, "tjGetErrorStr2")
		purego.RegisterLibFunc(&lib.errorCode, h, "tjGetErrorCode")
		mapLargeBlocks()
	})
	return lib.err
}
