//go:build static

package lcms

import "errors"

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then Little CMS is never used.
const Static = true

func load() error {
	lib.once.Do(func() {
		lib.err = errors.New("lcms: this fanout is a static build (-tags static), without the run-time loader")
	})
	return lib.err
}
