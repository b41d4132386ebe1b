package thumb

import (
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"sync"

	"github.com/fanout-dev/fanout/internal/lcms"
)

// Colour management through Little CMS, for the profiles that the pure-Go
// path of colour.go does not apply: CMYK ones on CMYK JPEGs, and
// LUT-based (lut8, lut16, mAB) RGB and grey ones. Little CMS is loaded at
// run time (internal/lcms); without it those profiles are left unapplied,
// as before, with a warning that says Little CMS would apply them.
//
// Like the pure-Go conversion, this one is made on the pre-shrunk image:
// a CMYK JPEG is decoded as CMYK, box-reduced in CMYK, and only then
// converted (shrinkDecodeCMYK); an RGB or grey image is converted after
// shrinkDecode. Making a transform costs milliseconds (60 ms for a CMYK
// profile), far more than applying it to a pre-shrunk image, so
// transforms are kept for the process's life, one per profile, for the
// first maxLCMSCached profiles seen.

// maxLCMSCached bounds the transforms kept: a batch rarely holds more than
// a few distinct profiles, and one that holds thousands makes and frees
// each beyond these.
const maxLCMSCached = 32

// lcmsAvailable is lcms.Available; tests replace it to take the path of a
// machine without Little CMS.
var lcmsAvailable = lcms.Available

// lcmsKind is the pixels a Little CMS transform converts.
type lcmsKind int

const (
	lcmsRGB  lcmsKind = iota + 1 // the pre-shrunk RGBA image
	lcmsGray                     // the pre-shrunk RGBA image of a greyscale source, through a table
	lcmsCMYK                     // a CMYK JPEG, decoded as CMYK (shrinkDecodeCMYK)
)

// formats returns the layouts of k's transform.
func (k lcmsKind) formats() (in, out lcms.Format) {
	switch k {
	case lcmsGray:
		return lcms.Gray8, lcms.RGB8
	case lcmsCMYK:
		return lcms.CMYK8, lcms.RGBA8
	}
	return lcms.RGBA8, lcms.RGBA8
}

type lcmsKey struct {
	sum  [sha256.Size]byte
	kind lcmsKind
}

// lcmsEntry is one profile's transform, made once.
type lcmsEntry struct {
	once sync.Once
	x    *lcms.Transform
	err  error
}

var lcmsCache struct {
	sync.Mutex
	m map[lcmsKey]*lcmsEntry
}

// lcmsTransform returns the transform of profile for kind and a function
// to call once done with it: the transform is shared and kept when it is
// cached, made for this caller and freed by done otherwise.
func lcmsTransform(profile []byte, kind lcmsKind) (x *lcms.Transform, done func(), err error) {
	in, out := kind.formats()
	key := lcmsKey{sha256.Sum256(profile), kind}
	lcmsCache.Lock()
	e := lcmsCache.m[key]
	if e == nil && len(lcmsCache.m) < maxLCMSCached {
		if lcmsCache.m == nil {
			lcmsCache.m = make(map[lcmsKey]*lcmsEntry)
		}
		e = new(lcmsEntry)
		lcmsCache.m[key] = e
	}
	lcmsCache.Unlock()
	if e == nil {
		x, err := lcms.NewTransform(profile, in, out)
		if err != nil {
			return nil, nil, err
		}
		return x, x.Close, nil
	}
	e.once.Do(func() { e.x, e.err = lcms.NewTransform(profile, in, out) })
	return e.x, func() {}, e.err
}

// planLCMS decides, for a profile that the pure-Go path does not apply
// (c.p parsed, not applied, not kept), whether Little CMS applies it: its
// colour space must be the source's, CMYK only on a CMYK JPEG. When
// Little CMS is not loaded, c.lcmsWhy says that it would apply the
// profile.
func planLCMS(c *colourPlan, in source) {
	if c.keep || c.applied || c.err != nil || c.p == nil || !c.p.embeddable() {
		return
	}
	cmyk := in.cfg.ColorModel == color.CMYKModel
	var kind lcmsKind
	switch {
	case c.p.space == "CMYK" && cmyk && in.format == "jpeg":
		kind = lcmsCMYK
	case c.p.space == "RGB " && !cmyk && !c.srcGray:
		kind = lcmsRGB
	case c.p.space == "GRAY" && c.srcGray:
		kind = lcmsGray
	case c.p.space == "CMYK" && cmyk:
		c.lcmsWhy = "; colours left as they are (fanout applies CMYK profiles to CMYK JPEGs only)"
		return
	default:
		return
	}
	if ok, err := lcmsAvailable(); !ok {
		c.lcmsWhy = fmt.Sprintf("; colours left as they are: Little CMS would convert them (%s, Debian's liblcms2-2) but is not loaded (%v)", lcms.Library, err)
		return
	}
	c.lcms, c.applied = kind, true
}

// lcmsFailed records that Little CMS could not make the transform: the
// pixels stay as they are and finish says why.
func (c *colourPlan) lcmsFailed(err error) {
	c.lcms, c.applied = 0, false
	c.lcmsWhy = "; colours left as they are: Little CMS cannot apply it (" + err.Error() + ")"
}

// convertLCMS converts img, the pre-shrunk RGBA image of an RGB or grey
// source, premultiplied, in place through Little CMS.
func (c *colourPlan) convertLCMS(img *image.RGBA) {
	x, done, err := lcmsTransform(c.m.icc, c.lcms)
	if err != nil {
		c.lcmsFailed(err)
		return
	}
	defer done()
	if c.lcms == lcmsGray {
		grayLCMS(x, img)
		return
	}
	w := img.Rect.Dx()
	var straight []byte // a row unpremultiplied, when it has translucent pixels
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		if opaqueRow(row) {
			x.Do(row, row, w)
			continue
		}
		if straight == nil {
			straight = make([]byte, 4*w)
		}
		for i := 0; i < len(row); i += 4 {
			a := row[i+3]
			for k := range 3 {
				straight[i+k] = 0
				if a != 0 {
					straight[i+k] = unpremul(row[i+k], a)
				}
			}
			straight[i+3] = a
		}
		x.Do(straight, straight, w)
		for i := 0; i < len(row); i += 4 {
			a := straight[i+3]
			for k := range 3 {
				row[i+k] = premul(straight[i+k], a)
			}
		}
	}
}

// grayLCMS converts a greyscale image (R = G = B) through a table of the
// 256 grey values' sRGB conversion.
func grayLCMS(x *lcms.Transform, img *image.RGBA) {
	var in [256]byte
	var out [3 * 256]byte
	for v := range in {
		in[v] = uint8(v)
	}
	x.Do(in[:], out[:], 256)
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for i := 0; i < len(row); i += 4 {
			q := row[i : i+4 : i+4]
			a := q[3]
			if a == 0 {
				continue
			}
			for k := range 3 {
				v := q[k]
				if a != 255 {
					v = unpremul(v, a)
				}
				v = out[3*int(v)+k]
				if a != 255 {
					v = premul(v, a)
				}
				q[k] = v
			}
		}
	}
}

func opaqueRow(row []byte) bool {
	for i := 3; i < len(row); i += 4 {
		if row[i] != 255 {
			return false
		}
	}
	return true
}

// shrinkDecodeCMYK is shrinkDecode for a CMYK JPEG whose profile Little
// CMS applies: decoded as CMYK by Go's decoder (libjpeg-turbo is not used
// for CMYK), box-reduced in CMYK as shrinkDecode reduces RGBA, and
// converted to opaque sRGB. When the decoder gives no CMYK image or the
// transform cannot be made, it does what shrinkDecode does.
func (c *colourPlan) shrinkDecodeCMYK(data []byte, in source, big image.Point, pureGo bool, set *Set) (*image.RGBA, float64, float64, error) {
	x, done, err := lcmsTransform(c.m.icc, lcmsCMYK)
	if err != nil {
		c.lcmsFailed(err)
		return shrinkDecode(data, in, big, pureGo, set)
	}
	defer done()
	img, decoder, err := in.decodeFull(data, false)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("decode %s: %w", in.format, describe(err))
	}
	cm, ok := img.(*image.CMYK)
	if !ok {
		c.lcmsFailed(fmt.Errorf("decoded as %T, not CMYK", img))
		return shrinkDecode(data, in, big, pureGo, set)
	}
	set.Decoder = decoder
	// The four CMYK bytes of a pixel, reduced as RGBA's four are.
	b := cm.Rect
	w, h := b.Dx(), b.Dy()
	off := cm.PixOffset(b.Min.X, b.Min.Y)
	as := &image.RGBA{Pix: cm.Pix[off:], Stride: cm.Stride, Rect: image.Rect(0, 0, w, h)}
	fx, fy := reduction(w, big.X), reduction(h, big.Y)
	mid := reduce(as, fx, fy)
	mw := mid.Rect.Dx()
	for y := range mid.Rect.Dy() {
		row := mid.Pix[y*mid.Stride : y*mid.Stride+4*mw]
		x.Do(row, row, mw)
		for i := 3; i < len(row); i += 4 {
			row[i] = 255
		}
	}
	return mid, float64(w) / float64(fx), float64(h) / float64(fy), nil
}

// decode is shrinkDecode, or shrinkDecodeCMYK for a CMYK JPEG whose
// profile Little CMS applies.
func (c *colourPlan) decode(data []byte, in source, big image.Point, pureGo bool, set *Set) (*image.RGBA, float64, float64, error) {
	if c.lcms == lcmsCMYK {
		return c.shrinkDecodeCMYK(data, in, big, pureGo, set)
	}
	return shrinkDecode(data, in, big, pureGo, set)
}

// ColourEngine names the colour manager this process uses, for `fanout
// version`: Little CMS, loaded at run time, or the pure-Go path alone.
func ColourEngine() string {
	ok, err := lcms.Available()
	if !ok {
		return "pure Go (matrix/TRC RGB and grey profiles only; CMYK and LUT-based profiles not applied: " + err.Error() + ")"
	}
	return "lcms2 " + lcms.Version() + " via " + lcms.Library + " (run time) for CMYK and LUT-based profiles, pure Go for matrix/TRC RGB and grey ones"
}
