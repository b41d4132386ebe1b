//go:build static

package turbo

import "errors"

// Static reports whether this build leaves the run-time loader out
// (built with -tags static): then libjpeg-turbo is never used.
const Static = true

func load() error {
	lib.once.Do(func() {
		lib.err = errors.New("turbo: this fanout is a static build (-tags static), without the run-time loader: JPEGs are decoded in pure Go")
	})
	return lib.err
}
