//go:build !static

package lcms

import (
	"fmt"
	"os"

	"github.com/ebitengine/purego"
)

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then Little CMS is never used.
const Static = false

func load() error {
	lib.once.Do(func() {
		if os.Getenv(DisableEnv) != "" {
			lib.err = fmt.Errorf("lcms: disabled by %s", DisableEnv)
			return
		}
		h, err := purego.Dlopen(Library, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			lib.err = fmt.Errorf("lcms: load %s: %w", Library, err)
			return
		}
		defer func() {
			if r := recover(); r != nil { // a symbol is missing: too old a library
				lib.err = fmt.Errorf("lcms: %s: %v", Library, r)
			}
		}()
		purego.RegisterLibFunc(&lib.version, h, "cmsGetEncodedCMMversion")
		purego.RegisterLibFunc(&lib.openProfile, h, "cmsOpenProfileFromMem")
		purego.RegisterLibFunc(&lib.createSRGB, h, "cmsCreate_sRGBProfile")
		purego.RegisterLibFunc(&lib.closeProfile, h, "cmsCloseProfile")
		purego.RegisterLibFunc(&lib.createTransform, h, "cmsCreateTransform")
		purego.RegisterLibFunc(&lib.doTransform, h, "cmsDoTransform")
		purego.RegisterLibFunc(&lib.deleteTransform, h, "cmsDeleteTransform")
		if v := lib.version(); v < minVersion {
			lib.err = fmt.Errorf("lcms: %s is version %s; fanout needs %s or newer", Library, versionText(v), versionText(minVersion))
		}
	})
	return lib.err
}
