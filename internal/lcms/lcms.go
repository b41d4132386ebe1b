package lcms

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

// Library is the file name of Little CMS 2 looked up by the system's
// dynamic loader (Debian's package liblcms2-2).
const Library = "liblcms2.so.2"

// DisableEnv names an environment variable that, when set to a non-empty
// value, keeps the library from being loaded, so that the pure-Go path can
// be used and tested on a machine that has the library.
const DisableEnv = "FANOUT_NO_LCMS2"

// minVersion is the oldest Little CMS used: 2.8, the first to copy alpha
// channels through a transform (cmsFLAGS_COPY_ALPHA).
const minVersion = 2080

// Format is a pixel layout, as Little CMS encodes it (lcms2.h's TYPE_*).
type Format uint32

// Little CMS's layout fields (lcms2.h): COLORSPACE_SH, EXTRA_SH,
// CHANNELS_SH, BYTES_SH, and the colour spaces PT_GRAY, PT_RGB, PT_CMYK.
const (
	ptGray, ptRGB, ptCMYK = 3, 4, 6
)

func format(space, extra, channels uint32) Format {
	return Format(space<<16 | extra<<7 | channels<<3 | 1)
}

// The 8-bit layouts this package converts between.
var (
	Gray8 = format(ptGray, 0, 1) // one byte a pixel: TYPE_GRAY_8
	RGB8  = format(ptRGB, 0, 3)  // R, G, B: TYPE_RGB_8
	RGBA8 = format(ptRGB, 1, 3)  // R, G, B and alpha, not premultiplied: TYPE_RGBA_8
	CMYK8 = format(ptCMYK, 0, 4) // C, M, Y, K, 0 for no ink: TYPE_CMYK_8
)

// Size is the number of bytes of one pixel in f.
func (f Format) Size() int { return int(f>>3&15 + f>>7&7) }

const (
	intentRelative = 1          // INTENT_RELATIVE_COLORIMETRIC
	flagCopyAlpha  = 0x04000000 // cmsFLAGS_COPY_ALPHA
)

var lib struct {
	once sync.Once
	err  error

	version         func() int32
	openProfile     func(mem *byte, size uint32) uintptr
	createSRGB      func() uintptr
	closeProfile    func(h uintptr) int32
	createTransform func(in uintptr, inFmt uint32, out uintptr, outFmt uint32, intent, flags uint32) uintptr
	doTransform     func(t uintptr, in, out *byte, n uint32)
	deleteTransform func(t uintptr)
}

// Available reports whether Little CMS was found and loaded; err says why
// not.
func Available() (ok bool, err error) {
	err = load()
	return err == nil, err
}

// Version is the loaded library's version, "2.14"; empty when it is not
// loaded.
func Version() string {
	if load() != nil {
		return ""
	}
	return versionText(lib.version())
}

// versionText writes Little CMS's encoded version (2140) as people do
// (2.14; 2.16.1 for 2161).
func versionText(v int32) string {
	s := fmt.Sprintf("%d.%d", v/1000, v%1000/10)
	if v%10 != 0 {
		s += fmt.Sprintf(".%d", v%10)
	}
	return s
}

// Transform converts pixels of one source profile to sRGB, relative
// colorimetric. It may be used by many goroutines at once; Close frees
// it.
type Transform struct {
	h       uintptr
	in, out Format
}

// ErrProfile is returned for a profile that Little CMS cannot open, or
// from which it cannot make a transform for the given layout.
var ErrProfile = errors.New("lcms: profile not usable")

// NewTransform returns the transform from pixels in layout in, described
// by the ICC profile, to sRGB pixels in layout out (Little CMS's own sRGB
// profile), with the relative colorimetric intent and, where the profile
// lacks it, the profile's default one, as Little CMS chooses. Alpha is
// copied when both layouts have it. The profile's colour space must be
// in's.
func NewTransform(profile []byte, in, out Format) (*Transform, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if len(profile) == 0 || len(profile) > 1<<30 {
		return nil, fmt.Errorf("%w: %d bytes", ErrProfile, len(profile))
	}
	src := lib.openProfile(unsafe.SliceData(profile), uint32(len(profile)))
	if src == 0 {
		return nil, fmt.Errorf("%w: Little CMS cannot read it", ErrProfile)
	}
	defer lib.closeProfile(src)
	dst := lib.createSRGB()
	if dst == 0 {
		return nil, errors.New("lcms: cmsCreate_sRGBProfile failed")
	}
	defer lib.closeProfile(dst)
	var flags uint32
	if in>>7&7 != 0 && out>>7&7 != 0 {
		flags |= flagCopyAlpha
	}
	h := lib.createTransform(src, uint32(in), dst, uint32(out), intentRelative, flags)
	if h == 0 {
		return nil, fmt.Errorf("%w: no transform to sRGB from its pixels", ErrProfile)
	}
	return &Transform{h: h, in: in, out: out}, nil
}

// Do converts n pixels from src to dst, which may be the same memory when
// both layouts have the same size. It panics if either is shorter than n
// pixels. Without alpha in src, dst's alpha bytes are left as they are.
func (t *Transform) Do(src, dst []byte, n int) {
	if n <= 0 {
		return
	}
	if len(src) < n*t.in.Size() || len(dst) < n*t.out.Size() {
		panic(fmt.Sprintf("lcms: Do of %d pixels on buffers of %d and %d bytes", n, len(src), len(dst)))
	}
	lib.doTransform(t.h, unsafe.SliceData(src), unsafe.SliceData(dst), uint32(n))
}

// Close frees the transform; it must not be used afterwards.
func (t *Transform) Close() {
	if t.h != 0 {
		lib.deleteTransform(t.h)
		t.h = 0
	}
}
