package thumb

import (
	"fmt"
	"image"
	"math"
	"sync"
)

// Colour management of thumbnails, in pure Go.
//
// By default a thumbnail is converted to sRGB and carries no profile: an
// untagged PNG or JPEG is sRGB by convention, so every viewer, colour
// managed or not, shows it right. The conversion is relative colorimetric
// with clipping, through the D50 connection space: source pixel → tone
// curves → linear → colorants → XYZ (D50) → sRGB's colorants inverted →
// linear sRGB → sRGB's curve. Only matrix/TRC RGB profiles and grey TRC
// profiles are applied here; CMYK and LUT-based ones are applied by
// Little CMS when it is loaded (colour_lcms.go), and otherwise, like Lab
// ones, leave the pixels as they are and are written only where their
// colour space fits the output.
//
// The conversion is made on the decoded image once it is pre-shrunk (by
// libjpeg-turbo's DCT scaling or by the box reduction), before the
// Catmull-Rom resize to each size: on pixels typically 2 to 4 times the
// largest thumbnail's width and height, so at a small cost, through lookup
// tables. Resizing wholly in the source's encoding and converting only the
// thumbnails, as most thumbnailers do, costs less still, but differs from
// converting the full image first by a mean ΔE2000 of up to 0.9 on
// ProPhoto photographs at 32 px (7.6 at edges); converting the pre-shrunk
// image halves that, to a mean of at most 0.45 with 99% of the pixels
// within 1.9 (TestColourResizeOrder). Converting every decoded pixel
// would cost a pass over the full image, and the DCT scaling has
// averaged in the source's encoding already.

// maxCopiedICC is the largest profile that Make copies into thumbnails
// when it cannot apply it and Options.KeepProfile is not set: a profile of
// megabytes does not belong in a thumbnail of kilobytes.
const maxCopiedICC = 128 << 10

// d50 is the illuminant of the ICC connection space, as ICC.1 and Little
// CMS give it.
var d50 = [3]float64{0.9642, 1, 0.8249}

// bradford returns the Bradford chromatic adaptation from white src to
// white dst, both XYZ.
func bradford(src, dst [3]float64) [3][3]float64 {
	b := [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}
	var s, d [3]float64
	for i := range 3 {
		s[i] = b[i][0]*src[0] + b[i][1]*src[1] + b[i][2]*src[2]
		d[i] = b[i][0]*dst[0] + b[i][1]*dst[1] + b[i][2]*dst[2]
	}
	scale := [3][3]float64{{d[0] / s[0], 0, 0}, {0, d[1] / s[1], 0}, {0, 0, d[2] / s[2]}}
	bi, _ := invert3(b)
	return mul3(bi, mul3(scale, b))
}

// colorantsD50 returns the matrix from linear RGB to XYZ of the D50
// connection space of an RGB space with the given primaries and white
// point (CIE xy), adapted with Bradford as ICC profiles are.
func colorantsD50(primaries [3][2]float64, white [2]float64) [3][3]float64 {
	var m [3][3]float64
	for c, p := range primaries {
		m[0][c], m[1][c], m[2][c] = p[0]/p[1], 1, (1-p[0]-p[1])/p[1]
	}
	w := [3]float64{white[0] / white[1], 1, (1 - white[0] - white[1]) / white[1]}
	mi, _ := invert3(m)
	for c := range 3 {
		s := mi[c][0]*w[0] + mi[c][1]*w[1] + mi[c][2]*w[2]
		for i := range 3 {
			m[i][c] *= s
		}
	}
	return mul3(bradford(w, d50), m)
}

// fromD50 is the matrix from XYZ (D50) to linear sRGB.
var fromD50 = sync.OnceValue(func() [3][3]float64 {
	m := colorantsD50([3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, [2]float64{0.3127, 0.3290})
	mi, _ := invert3(m)
	return mi
})

// srgbDecode is sRGB's transfer function: encoded value to linear.
func srgbDecode(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// encodeTable maps a linear value in 1/65535ths to its sRGB-encoded 8-bit
// value, rounded: code k+1 begins where the encoded value reaches k+0.5.
var encodeTable = sync.OnceValue(func() *[65536]uint8 {
	t := new([65536]uint8)
	k, next := 0, srgbDecode(0.5/255)
	for i := range t {
		for k < 255 && float64(i)/65535 >= next {
			k++
			next = srgbDecode((float64(k) + 0.5) / 255)
		}
		t[i] = uint8(k)
	}
	return t
})

// encode8 clips a linear sRGB value to [0, 1] and encodes it in 8 bits.
func encode8(t *[65536]uint8, x float32) uint8 {
	switch {
	case !(x > 0): // also NaN
		return 0
	case x >= 1:
		return 255
	}
	return t[int(x*65535+0.5)]
}

// colourTransform converts 8-bit pixels of one source profile to sRGB.
type colourTransform struct {
	gray bool
	lin  [3][256]float32 // RGB: each channel's tone curve, to linear
	m    [9]float32      // RGB: linear source to linear sRGB, row-major
	lut  [256]uint8      // grey: source value to sRGB value
}

// newColourTransform builds the transform of p, an iccMatrixTRC or
// iccGrayTRC profile. identity reports that it changes no pixel (the
// profile is sRGB's, or within half a code of it): the caller skips it.
func newColourTransform(p *iccProfile) (t *colourTransform, identity bool) {
	t = &colourTransform{gray: p.kind == iccGrayTRC}
	enc := encodeTable()
	identity = true
	if t.gray {
		for v := range 256 {
			y := p.trc[0].eval(float64(v) / 255)
			if p.pcs == "Lab " { // the curve gives L*/100
				l := 100 * y
				if l > 8 {
					y = math.Pow((l+16)/116, 3)
				} else {
					y = l / 903.2962962962963
				}
			}
			t.lut[v] = encode8(enc, float32(y))
			identity = identity && t.lut[v] == uint8(v)
		}
		return t, identity
	}
	m := mul3(fromD50(), p.colorants)
	for i := range 3 {
		for j := range 3 {
			t.m[3*i+j] = float32(m[i][j])
			if d := m[i][j] - b2f(i == j); math.Abs(d) > 2e-3 {
				identity = false
			}
		}
	}
	bounds := codeBounds()
	for c := range 3 {
		if c > 0 && p.trc[c].same(&p.trc[c-1]) { // as the three curves often are
			t.lin[c] = t.lin[c-1]
			continue
		}
		for v := range 256 {
			x := p.trc[c].eval(float64(v) / 255)
			t.lin[c][v] = float32(x)
			if x < bounds[v] || x > bounds[v+1] {
				identity = false
			}
		}
	}
	return t, identity
}

// codeBounds holds, for each 8-bit sRGB code v, the linear values that
// encode to it: from bounds[v] to bounds[v+1].
var codeBounds = sync.OnceValue(func() *[257]float64 {
	var b [257]float64
	b[0] = math.Inf(-1)
	for k := 1; k <= 256; k++ {
		b[k] = srgbDecode((float64(k) - 0.5) / 255)
	}
	return &b
})

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// apply converts img, premultiplied, in place. Translucent pixels are
// converted unpremultiplied.
func (t *colourTransform) apply(img *image.RGBA) {
	enc := encodeTable()
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for i := 0; i < len(row); i += 4 {
			q := row[i : i+4 : i+4]
			a := q[3]
			if a == 0 {
				continue
			}
			r, g, b := q[0], q[1], q[2]
			if a != 255 {
				r, g, b = unpremul(r, a), unpremul(g, a), unpremul(b, a)
			}
			if t.gray {
				r, g, b = t.lut[r], t.lut[g], t.lut[b]
			} else {
				lr, lg, lb := t.lin[0][r], t.lin[1][g], t.lin[2][b]
				r = encode8(enc, t.m[0]*lr+t.m[1]*lg+t.m[2]*lb)
				g = encode8(enc, t.m[3]*lr+t.m[4]*lg+t.m[5]*lb)
				b = encode8(enc, t.m[6]*lr+t.m[7]*lg+t.m[8]*lb)
			}
			if a != 255 {
				r, g, b = premul(r, a), premul(g, a), premul(b, a)
			}
			q[0], q[1], q[2] = r, g, b
		}
	}
}

func unpremul(v, a uint8) uint8 {
	return uint8(min((int(v)*255+int(a)/2)/int(a), 255))
}

func premul(v, a uint8) uint8 { return uint8((int(v)*int(a) + 127) / 255) }

// colourPlan is what Make does with the source's ICC profile: planned
// from the metadata, applied to the decoded image before it is resized
// (convert), and finished once the thumbnails are made (finish).
type colourPlan struct {
	m       meta
	keep    bool
	srcGray bool
	p       *iccProfile
	err     error            // the profile is damaged
	applied bool             // the profile is applied: no profile is written
	t       *colourTransform // the conversion; nil when none is needed
	lcms    lcmsKind         // the conversion by Little CMS instead (colour_lcms.go); 0 when none
	lcmsWhy string           // why Little CMS did not apply the profile, for the warning
}

// planColour decides whether the profile of m is applied: by default a
// matrix/TRC RGB profile on a colour image or a grey TRC profile on a
// greyscale one is; never with keep.
func planColour(m meta, srcGray, keep bool) colourPlan {
	c := colourPlan{m: m, keep: keep, srcGray: srcGray}
	if m.iccTooBig != 0 || len(m.icc) == 0 {
		return c
	}
	c.p, c.err = parseICC(m.icc)
	if c.err == nil && !keep && c.p.kind != iccOther && (c.p.kind == iccGrayTRC) == srcGray {
		c.applied = true
		if t, identity := newColourTransform(c.p); !identity {
			c.t = t
		}
	}
	return c
}

// convert converts img, the decoded image or its pre-shrunk form, in
// place when the profile is applied and is not sRGB's.
func (c *colourPlan) convert(img *image.RGBA) {
	if c.t != nil {
		c.t.apply(img)
	}
	if c.lcms == lcmsRGB || c.lcms == lcmsGray {
		c.convertLCMS(img)
	}
}

// finish sets set.ICC and set.Warning once the thumbnails are made: no
// profile when it was applied; otherwise the pixels are as they were and
// set.ICC is the source's profile if it fits the output's colour space
// (and, without keep, is no larger than maxCopiedICC). set.Warning says
// why a profile was dropped.
func (c *colourPlan) finish(set *Set) {
	set.ICC = nil
	m, p, keep := c.m, c.p, c.keep
	switch {
	case m.iccTooBig != 0:
		size := "more than " + bytesText(maxICC)
		if m.iccTooBig > 0 {
			size = bytesText(m.iccTooBig)
		}
		set.Warning = fmt.Sprintf("ICC profile of %s ignored: fanout reads profiles of up to %s; colours left as they are", size, bytesText(maxICC))
		return
	case len(m.icc) == 0 || c.applied:
		return
	case c.err != nil:
		set.Warning = "ICC profile dropped: damaged (" + c.err.Error() + ")"
		return
	}
	// PNG output is greyscale only when opaque; JPEG output of a grey image
	// always is, and Encode drops an RGB profile there all the same: a
	// grey PNG with transparency and an RGB profile, a rare mismatch, then
	// loses it without a warning.
	outGray := set.Gray && opaque(set.Thumbs)
	name := p.spaceName() + " ICC profile"
	notApplied := ""
	if !keep {
		notApplied = "; colours left as they are (fanout converts only matrix/TRC RGB and grey profiles)"
		if p.kind != iccOther {
			notApplied = fmt.Sprintf("; not applied to %s image", anImage(c.srcGray))
		}
		if c.lcmsWhy != "" {
			notApplied = c.lcmsWhy
		}
	}
	switch {
	case !p.embeddable():
		set.Warning = fmt.Sprintf("%s dropped: class %q describes no image%s", name, p.class, notApplied)
	case p.space != iccSpace(outGray):
		set.Warning = fmt.Sprintf("%s dropped: it cannot describe %s thumbnail%s", name, anImage(outGray), notApplied)
	case !keep && len(m.icc) > maxCopiedICC:
		set.Warning = fmt.Sprintf("%s dropped: not applied (%s) and, at %s, too large to copy into thumbnails (--keep-profile copies it)", name, p.why, bytesText(len(m.icc)))
	default:
		set.ICC = m.icc
		if c.lcmsWhy != "" {
			set.Warning = fmt.Sprintf("%s copied into the thumbnails, not applied%s", name, c.lcmsWhy)
		}
	}
}

// iccSpace is the ICC colour space of greyscale or colour output.
func iccSpace(gray bool) string {
	if gray {
		return "GRAY"
	}
	return "RGB "
}

// anImage names greyscale or colour output, with its article.
func anImage(gray bool) string {
	if gray {
		return "a greyscale"
	}
	return "an RGB"
}

func opaque(imgs []*image.RGBA) bool {
	for _, t := range imgs {
		if !t.Opaque() {
			return false
		}
	}
	return true
}

// profileFits reports whether profile, read from its header alone, may be
// embedded in an image whose colour space is grey or RGB: the encoder's
// last guard against writing a profile that does not fit.
func profileFits(profile []byte, gray bool) bool {
	if len(profile) < 132 || string(profile[36:40]) != "acsp" {
		return false
	}
	p := iccProfile{class: string(profile[12:16]), space: string(profile[16:20]), pcs: string(profile[20:24])}
	return p.embeddable() && p.space == iccSpace(gray)
}

// bytesText writes a size in bytes for people: "580 bytes", "18 KiB",
// "3.0 MiB".
func bytesText(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KiB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
