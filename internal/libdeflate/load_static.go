//go:build static

package libdeflate

import "errors"

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then libdeflate is never used.
const Static = true

func load() error {
	lib.once.Do(func() {
		lib.err = errors.New("libdeflate: this fanout is a static build (-tags static), without the run-time loader: PNGs are inflated in pure Go")
	})
	return lib.err
}
