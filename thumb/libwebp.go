//go:build !static

package thumb

import (
	"errors"
	"fmt"
	"image"
	"os"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// LibWebP is the file name of libwebp's shared library, looked up by the
// system's dynamic loader (Debian's package libwebp7). fanout loads it at
// run time, without cgo, to write lossy WebP thumbnails.
const LibWebP = "libwebp.so.7"

// NoLibWebPEnv names an environment variable that, when set to a
// non-empty value, keeps libwebp from being loaded: WebP thumbnails are
// then written by the pure-Go (lossless) encoder.
const NoLibWebPEnv = "FANOUT_NO_LIBWEBP"

var libwebp struct {
	once sync.Once
	err  error

	encodeRGBA func(rgba *byte, w, h, stride int32, quality float32, out **byte) uintptr
	free       func(p unsafe.Pointer)
	version    func() int32
}

// loadLibWebP loads libwebp once; the error says why it is not used.
func loadLibWebP() error {
	libwebp.once.Do(func() {
		if os.Getenv(NoLibWebPEnv) != "" {
			libwebp.err = fmt.Errorf("disabled by %s", NoLibWebPEnv)
			return
		}
		h, err := purego.Dlopen(LibWebP, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			libwebp.err = fmt.Errorf("load %s: %w", LibWebP, err)
			return
		}
		defer func() {
			if r := recover(); r != nil { // a symbol is missing: too old a library
				libwebp.err = fmt.Errorf("%s: %v", LibWebP, r)
			}
		}()
		purego.RegisterLibFunc(&libwebp.encodeRGBA, h, "WebPEncodeRGBA")
		purego.RegisterLibFunc(&libwebp.free, h, "WebPFree")
		purego.RegisterLibFunc(&libwebp.version, h, "WebPGetEncoderVersion")
	})
	return libwebp.err
}

// libWebPVersion returns libwebp's version, "1.2.4", once it is loaded.
func libWebPVersion() string {
	v := libwebp.version()
	return fmt.Sprintf("%d.%d.%d", v>>16, v>>8&0xff, v&0xff)
}

// encodeLibWebP encodes img, straight (not premultiplied) RGBA, as a lossy
// WebP file of the given quality (1 to 100), with libwebp's default
// settings otherwise (method 4). Alpha is kept, in an ALPH chunk, when the
// image is not opaque.
func encodeLibWebP(img *image.NRGBA, quality int) ([]byte, error) {
	if err := loadLibWebP(); err != nil {
		return nil, err
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < 1 || h < 1 || w > 16383 || h > 16383 {
		return nil, fmt.Errorf("a WebP image is at most 16383×16383, not %d×%d", w, h)
	}
	var out *byte
	n := libwebp.encodeRGBA(unsafe.SliceData(img.Pix), int32(w), int32(h), int32(img.Stride), float32(quality), &out)
	if out == nil {
		return nil, errors.New("libwebp failed to encode")
	}
	defer libwebp.free(unsafe.Pointer(out))
	if n == 0 {
		return nil, errors.New("libwebp failed to encode")
	}
	return append([]byte(nil), unsafe.Slice(out, n)...), nil
}
