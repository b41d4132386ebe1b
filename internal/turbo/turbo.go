package turbo

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"unsafe"
)

// Library is the file name of the TurboJPEG shared library looked up by
// the system's dynamic loader (Debian's package libturbojpeg0).
const Library = "libturbojpeg.so.0"

// DisableEnv names an environment variable that, when set to a non-empty
// value, keeps the library from being loaded, so that the pure-Go path can
// be used and tested on a machine that has the library.
const DisableEnv = "FANOUT_NO_TURBOJPEG"

// TurboJPEG constants (turbojpeg.h, API 2.x).
const (
	pfRGBA       = 7
	csGray       = 2
	csCMYK       = 3
	csYCCK       = 4
	errorWarning = 0
)

var lib struct {
	once sync.Once
	err  error

	initDecompress func() uintptr
	destroy        func(h uintptr) int32
	decodeHeader   func(h uintptr, buf *byte, size uint64, w, ht, subsamp, cs *int32) int32
	decompress     func(h uintptr, buf *byte, size uint64, dst *byte, w, pitch, ht, pf, flags int32) int32
	errorStr       func(h uintptr) string
	errorCode      func(h uintptr) int32
}

// Available reports whether libjpeg-turbo was found and loaded; err says
// why not.
func Available() (ok bool, err error) {
	err = load()
	return err == nil, err
}

// ErrUnsupported is returned for JPEGs this package leaves to another
// decoder: CMYK and YCCK ones.
var ErrUnsupported = errors.New("turbo: unsupported colour space")

// ErrWarning wraps a problem libjpeg-turbo only warned about (extraneous
// bytes, a premature end): a more lenient decoder may still succeed.
var ErrWarning = errors.New("turbo: warning")

// Header is what a JPEG's header says.
type Header struct {
	Width, Height int
	Gray          bool // one channel
}

// DecodeHeader reads the size and colour space of a JPEG.
func DecodeHeader(data []byte) (Header, error) {
	if err := load(); err != nil {
		return Header{}, err
	}
	if len(data) == 0 {
		return Header{}, errors.New("turbo: empty input")
	}
	h := lib.initDecompress()
	if h == 0 {
		return Header{}, errors.New("turbo: tjInitDecompress failed")
	}
	defer lib.destroy(h)
	return header(h, data)
}

func header(h uintptr, data []byte) (Header, error) {
	var w, ht, ss, cs int32
	if lib.decodeHeader(h, unsafe.SliceData(data), uint64(len(data)), &w, &ht, &ss, &cs) != 0 {
		return Header{}, fmt.Errorf("turbo: read header: %s", lib.errorStr(h))
	}
	if cs == csCMYK || cs == csYCCK {
		return Header{}, ErrUnsupported
	}
	return Header{Width: int(w), Height: int(ht), Gray: cs == csGray}, nil
}

// Scaled returns the size of a w×h JPEG decoded at 1/denom (denom 1, 2, 4
// or 8): each side rounded up, as libjpeg-turbo does.
func Scaled(w, h, denom int) (int, int) {
	return (w + denom - 1) / denom, (h + denom - 1) / denom
}

// Decode decodes a JPEG shrunk by 1/denom (1, 2, 4 or 8) in the DCT domain
// into an opaque RGBA image. At 1/8 the AC scans of a progressive JPEG
// that cannot change the result are skipped, which makes large
// progressive photos several times faster to decode. CMYK and YCCK JPEGs
// give ErrUnsupported; a file that libjpeg-turbo decodes only with a
// warning gives an error wrapping ErrWarning.
func Decode(data []byte, denom int) (*image.RGBA, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errors.New("turbo: empty input")
	}
	switch denom {
	case 1, 2, 4, 8:
	default:
		return nil, fmt.Errorf("turbo: scale 1/%d not supported", denom)
	}
	if denom == 8 {
		if cut := dcScans(data); len(cut) < len(data) {
			if img, err := decode(cut, denom); err == nil {
				return img, nil
			}
			// Let the whole file give its own verdict.
		}
	}
	return decode(data, denom)
}

// decode is Decode without the cutting of unneeded scans.
func decode(data []byte, denom int) (*image.RGBA, error) {
	h := lib.initDecompress()
	if h == 0 {
		return nil, errors.New("turbo: tjInitDecompress failed")
	}
	defer lib.destroy(h)
	hd, err := header(h, data)
	if err != nil {
		return nil, err
	}
	w, ht := Scaled(hd.Width, hd.Height, denom)
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	if lib.decompress(h, unsafe.SliceData(data), uint64(len(data)), unsafe.SliceData(img.Pix), int32(w), int32(img.Stride), int32(ht), pfRGBA, 0) != 0 {
		msg := lib.errorStr(h)
		if lib.errorCode(h) == errorWarning {
			return nil, fmt.Errorf("%w: %s", ErrWarning, msg)
		}
		return nil, fmt.Errorf("turbo: decode: %s", msg)
	}
	return img, nil
}
