//go:build static

package thumb

import (
	"errors"
	"image"
)

// LibWebP is the file name of libwebp's shared library, which a static
// build (-tags static) never loads: WebP thumbnails are then written by the
// pure-Go (lossless) encoder.
const LibWebP = "libwebp.so.7"

// NoLibWebPEnv names an environment variable that keeps libwebp from being
// loaded; in a static build it never is.
const NoLibWebPEnv = "FANOUT_NO_LIBWEBP"

func loadLibWebP() error {
	return errors.New("this fanout is a static build (-tags static), without the run-time loader")
}

func libWebPVersion() string { return "" }

func encodeLibWebP(*image.NRGBA, int) ([]byte, error) { return nil, loadLibWebP() }
