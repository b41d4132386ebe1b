package thumb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This file reads ICC profiles (ICC.1, versions 2 and 4) as far as the
// pure-Go colour manager of colour.go applies them: the header, and the
// tags of matrix/TRC RGB profiles (rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC,
// wtpt, chad) and of grey TRC profiles (kTRC). Anything else, LUT-based,
// CMYK or Lab profiles among them, is only classified, so that it is
// never applied wrongly and never written where it does not fit.

// iccKind is what the colour manager can do with a profile.
type iccKind int

const (
	iccOther     iccKind = iota // a valid profile that is not applied (LUT-based, CMYK, Lab, ...)
	iccMatrixTRC                // an RGB profile of colorants and tone curves
	iccGrayTRC                  // a grey profile of one tone curve
)

// iccProfile is what was read of an ICC profile.
type iccProfile struct {
	version uint8  // major version, 2 or 4 in practice
	class   string // device class: "mntr", "scnr", "prtr", "spac", "link", "abst", "nmcl"
	space   string // colour space of the data: "RGB ", "GRAY", "CMYK", "Lab ", ...
	pcs     string // profile connection space: "XYZ " or "Lab "

	kind iccKind
	why  string // for iccOther: why it is not applied, e.g. "LUT-based"

	// For iccMatrixTRC, the columns rXYZ, gXYZ, bXYZ: linear RGB to XYZ of
	// the D50 connection space. trc holds rTRC, gTRC, bTRC, or kTRC alone
	// in trc[0] for iccGrayTRC.
	colorants [3][3]float64
	trc       [3]toneCurve
	// The media white point (wtpt) and chromatic adaptation (chad, the
	// identity when absent) are read and checked but not applied:
	// relative colorimetric rendering of a matrix/TRC profile maps its
	// colorants' white onto the destination's, as Little CMS does, and only
	// absolute colorimetric rendering, which thumbnails have no use for,
	// needs them.
	white [3]float64
	chad  [3][3]float64
}

// embeddable reports whether p may be written into an image at all: an
// input, display, output or colour space profile. Device links, abstract
// and named colour profiles never describe an image's colours.
func (p *iccProfile) embeddable() bool {
	switch p.class {
	case "scnr", "mntr", "prtr", "spac":
		return p.pcs == "XYZ " || p.pcs == "Lab "
	}
	return false
}

// spaceName is the profile's colour space as people write it: RGB, GRAY,
// CMYK, Lab.
func (p *iccProfile) spaceName() string {
	if p.space == "" {
		return "unknown"
	}
	s := []byte(p.space)
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	for i, c := range s {
		if c < ' ' || c > '~' {
			s[i] = '?'
		}
	}
	return string(s)
}

var errICCShort = errors.New("shorter than its header and tag table")

// parseICC reads profile b. The error is for a profile too damaged to be
// trusted at all (no header, tags outside the data): it is neither applied
// nor copied. A sound profile that the colour manager cannot apply is not
// an error: its kind is iccOther and why says why.
func parseICC(b []byte) (*iccProfile, error) {
	if len(b) < 132 {
		return nil, errICCShort
	}
	if string(b[36:40]) != "acsp" {
		return nil, errors.New("no ICC signature")
	}
	// Like Little CMS, trust the data's length over a larger size in the
	// header, and skip tags that lie outside the profile.
	size := int64(binary.BigEndian.Uint32(b))
	if size < 132 {
		return nil, fmt.Errorf("header says %d bytes", size)
	}
	b = b[:min(size, int64(len(b)))]
	p := &iccProfile{version: b[8], class: string(b[12:16]), space: string(b[16:20]), pcs: string(b[20:24])}
	n := int(binary.BigEndian.Uint32(b[128:]))
	if n > (len(b)-132)/12 {
		return nil, errICCShort
	}
	tags := make(map[string][]byte, n)
	for i := range n {
		e := b[132+12*i:]
		off, sz := int64(binary.BigEndian.Uint32(e[4:])), int64(binary.BigEndian.Uint32(e[8:]))
		if off >= 128 && sz >= 8 && off+sz <= int64(len(b)) {
			tags[string(e[:4])] = b[off : off+sz]
		}
	}
	p.kind, p.why = iccOther, p.spaceName()+" profile"
	switch {
	case p.version < 2 || p.version > 4:
		p.why = fmt.Sprintf("ICC version %d", p.version)
		return p, nil
	case !p.embeddable():
		p.why = fmt.Sprintf("%s profile of class %q", p.spaceName(), p.class)
		return p, nil
	}
	for _, lut := range []string{"A2B0", "A2B1", "A2B2", "D2B0", "D2B1"} {
		if tags[lut] != nil {
			p.why = "LUT-based " + p.spaceName() + " profile"
			return p, nil
		}
	}
	if err := p.readWhite(tags); err != nil {
		p.why = err.Error()
		return p, nil
	}
	var err error
	switch p.space {
	case "RGB ":
		err = p.readMatrixTRC(tags)
	case "GRAY":
		if p.trc[0], err = readCurve(tags["kTRC"]); err == nil {
			p.kind = iccGrayTRC
		} else {
			err = fmt.Errorf("kTRC: %w", err)
		}
	default:
		return p, nil
	}
	if err != nil {
		p.kind, p.why = iccOther, p.spaceName()+" profile with "+err.Error()
	}
	return p, nil
}

// readWhite reads wtpt and chad, when present, and checks them.
func (p *iccProfile) readWhite(tags map[string][]byte) error {
	p.white = [3]float64{0.9642, 1, 0.8249}
	if t := tags["wtpt"]; t != nil {
		w, err := readXYZ(t)
		if err != nil || w[1] <= 0 {
			return errors.New("a damaged wtpt tag")
		}
		p.white = w
	}
	p.chad = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	if t := tags["chad"]; t != nil {
		if len(t) < 8+36 || string(t[:4]) != "sf32" {
			return errors.New("a damaged chad tag")
		}
		for i := range 9 {
			p.chad[i/3][i%3] = s15(t[8+4*i:])
		}
		if _, ok := invert3(p.chad); !ok {
			return errors.New("a singular chad matrix")
		}
	}
	return nil
}

// readMatrixTRC reads the colorants and the three tone curves.
func (p *iccProfile) readMatrixTRC(tags map[string][]byte) error {
	if p.pcs != "XYZ " {
		return errors.New("a Lab connection space") // matrix/TRC needs XYZ
	}
	for c, name := range [3]string{"r", "g", "b"} {
		xyz, err := readXYZ(tags[name+"XYZ"])
		if err != nil {
			return fmt.Errorf("%sXYZ: %w", name, err)
		}
		for i := range 3 {
			p.colorants[i][c] = xyz[i]
		}
		if p.trc[c], err = readCurve(tags[name+"TRC"]); err != nil {
			return fmt.Errorf("%sTRC: %w", name, err)
		}
	}
	if _, ok := invert3(p.colorants); !ok {
		return errors.New("singular colorants")
	}
	p.kind = iccMatrixTRC
	return nil
}

// s15 reads an s15Fixed16Number.
func s15(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

// readXYZ reads an XYZType tag holding one value.
func readXYZ(t []byte) ([3]float64, error) {
	if t == nil {
		return [3]float64{}, errors.New("missing")
	}
	if len(t) < 20 || string(t[:4]) != "XYZ " {
		return [3]float64{}, errors.New("not an XYZType")
	}
	return [3]float64{s15(t[8:]), s15(t[12:]), s15(t[16:])}, nil
}

// toneCurve is an ICC tone curve, curveType or parametricCurveType,
// mapping a device value in [0, 1] to a linear one.
type toneCurve struct {
	table []byte     // curveType with 2 or more entries: big-endian uint16s
	kind  int        // -1 for a table or identity; else the parametric function type, 0 to 4 (a curveType gamma is type 0)
	p     [7]float64 // g, a, b, c, d, e, f
}

// paraCount is the number of parameters of each parametric function type.
var paraCount = [5]int{1, 3, 4, 5, 7}

// readCurve reads a curveType or parametricCurveType tag.
func readCurve(t []byte) (toneCurve, error) {
	c := toneCurve{kind: -1}
	switch {
	case t == nil:
		return c, errors.New("missing")
	case len(t) >= 12 && string(t[:4]) == "curv":
		n := int64(binary.BigEndian.Uint32(t[8:]))
		if 12+2*n > int64(len(t)) {
			return c, errors.New("curve table past its tag")
		}
		switch n {
		case 0: // identity
		case 1: // u8Fixed8Number gamma
			c.kind, c.p[0] = 0, float64(binary.BigEndian.Uint16(t[12:]))/256
		default:
			c.table = t[12 : 12+2*n]
		}
	case len(t) >= 12 && string(t[:4]) == "para":
		typ := int(binary.BigEndian.Uint16(t[8:]))
		if typ >= len(paraCount) {
			return c, fmt.Errorf("parametric function type %d", typ)
		}
		if len(t) < 12+4*paraCount[typ] {
			return c, errors.New("parameters past their tag")
		}
		c.kind = typ
		for i := range paraCount[typ] {
			c.p[i] = s15(t[12+4*i:])
		}
		if typ >= 1 && c.p[1] <= 0 {
			return c, errors.New("a parametric curve with a ≤ 0")
		}
	default:
		return c, errors.New("neither curveType nor parametricCurveType")
	}
	if c.kind >= 0 && !(c.p[0] > 0 && c.p[0] < 16) {
		return c, fmt.Errorf("gamma %g", c.p[0])
	}
	return c, nil
}

// same reports whether c and d are the same curve.
func (c *toneCurve) same(d *toneCurve) bool {
	return c.kind == d.kind && c.p == d.p && len(c.table) == len(d.table) &&
		(len(c.table) == 0 || &c.table[0] == &d.table[0] || string(c.table) == string(d.table))
}

// eval maps x in [0, 1] through the curve, clipping the result to [0, 1].
// A table is interpolated linearly; the parametric functions are those of
// ICC.1 table 68.
func (c *toneCurve) eval(x float64) float64 {
	x = min(max(x, 0), 1)
	var y float64
	switch {
	case c.table != nil:
		n := len(c.table) / 2
		pos := x * float64(n-1)
		i := min(int(pos), n-2)
		f := pos - float64(i)
		lo := float64(binary.BigEndian.Uint16(c.table[2*i:]))
		hi := float64(binary.BigEndian.Uint16(c.table[2*i+2:]))
		y = (lo + f*(hi-lo)) / 65535
	case c.kind < 0:
		y = x
	default:
		g, a, b, cc, d, e, f := c.p[0], c.p[1], c.p[2], c.p[3], c.p[4], c.p[5], c.p[6]
		pow := func(v float64) float64 {
			if v <= 0 {
				return 0
			}
			return math.Pow(v, g)
		}
		switch c.kind {
		case 0:
			y = pow(x)
		case 1: // (aX+b)^g for X ≥ -b/a, else 0
			y = pow(a*x + b)
		case 2: // (aX+b)^g + c for X ≥ -b/a, else c
			y = pow(a*x+b) + cc
		case 3: // (aX+b)^g for X ≥ d, else cX
			if x >= d {
				y = pow(a*x + b)
			} else {
				y = cc * x
			}
		case 4: // (aX+b)^g + e for X ≥ d, else cX + f
			if x >= d {
				y = pow(a*x+b) + e
			} else {
				y = cc*x + f
			}
		}
	}
	if !(y > 0) { // also NaN
		return 0
	}
	return min(y, 1)
}

// invert3 inverts a 3×3 matrix.
func invert3(m [3][3]float64) ([3][3]float64, bool) {
	var r [3][3]float64
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	if math.Abs(det) < 1e-9 || math.IsNaN(det) {
		return r, false
	}
	for i := range 3 {
		for j := range 3 {
			// The cofactor of m[j][i], over the determinant.
			a, b := (j+1)%3, (j+2)%3
			c, d := (i+1)%3, (i+2)%3
			r[i][j] = (m[a][c]*m[b][d] - m[a][d]*m[b][c]) / det
		}
	}
	return r, true
}

// mul3 multiplies two 3×3 matrices.
func mul3(a, b [3][3]float64) [3][3]float64 {
	var r [3][3]float64
	for i := range 3 {
		for j := range 3 {
			r[i][j] = a[i][0]*b[0][j] + a[i][1]*b[1][j] + a[i][2]*b[2][j]
		}
	}
	return r
}
