package thumb

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"path/filepath"
	"sort"
	"testing"
)

// colourDir holds the colour corpus that testdata/colour/make.sh makes.
var colourDir = filepath.Join("testdata", "colour")

// lab is a CIELAB colour, relative to D65.
type lab struct{ L, a, b float64 }

// srgbLab converts an 8-bit sRGB colour to CIELAB (D65), through the
// standard sRGB matrix, for measuring differences.
func srgbLab(r, g, b uint8) lab {
	lr, lg, lb := srgbDecode(float64(r)/255), srgbDecode(float64(g)/255), srgbDecode(float64(b)/255)
	x := 0.4124564*lr + 0.3575761*lg + 0.1804375*lb
	y := 0.2126729*lr + 0.7151522*lg + 0.0721750*lb
	z := 0.0193339*lr + 0.1191920*lg + 0.9503041*lb
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x/0.95047), f(y), f(z/1.08883)
	return lab{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// deltaE2000 is the CIEDE2000 colour difference (Sharma, Wu and Dalal's
// formulation), with kL = kC = kH = 1.
func deltaE2000(p, q lab) float64 {
	rad := math.Pi / 180
	c1, c2 := math.Hypot(p.a, p.b), math.Hypot(q.a, q.b)
	cm := (c1 + c2) / 2
	c7 := math.Pow(cm, 7)
	g := 0.5 * (1 - math.Sqrt(c7/(c7+math.Pow(25, 7))))
	a1, a2 := (1+g)*p.a, (1+g)*q.a
	c1p, c2p := math.Hypot(a1, p.b), math.Hypot(a2, q.b)
	hue := func(b, a float64) float64 {
		if a == 0 && b == 0 {
			return 0
		}
		h := math.Atan2(b, a) / rad
		if h < 0 {
			h += 360
		}
		return h
	}
	h1, h2 := hue(p.b, a1), hue(q.b, a2)
	dL, dC := q.L-p.L, c2p-c1p
	var dh float64
	switch {
	case c1p*c2p == 0:
	case math.Abs(h2-h1) <= 180:
		dh = h2 - h1
	case h2-h1 > 180:
		dh = h2 - h1 - 360
	default:
		dh = h2 - h1 + 360
	}
	dH := 2 * math.Sqrt(c1p*c2p) * math.Sin(dh/2*rad)
	lm, cmp := (p.L+q.L)/2, (c1p+c2p)/2
	var hm float64
	switch {
	case c1p*c2p == 0:
		hm = h1 + h2
	case math.Abs(h1-h2) <= 180:
		hm = (h1 + h2) / 2
	case h1+h2 < 360:
		hm = (h1 + h2 + 360) / 2
	default:
		hm = (h1 + h2 - 360) / 2
	}
	t := 1 - 0.17*math.Cos((hm-30)*rad) + 0.24*math.Cos(2*hm*rad) + 0.32*math.Cos((3*hm+6)*rad) - 0.20*math.Cos((4*hm-63)*rad)
	dTheta := 30 * math.Exp(-math.Pow((hm-275)/25, 2))
	cmp7 := math.Pow(cmp, 7)
	rc := 2 * math.Sqrt(cmp7/(cmp7+math.Pow(25, 7)))
	sl := 1 + 0.015*(lm-50)*(lm-50)/math.Sqrt(20+(lm-50)*(lm-50))
	sc := 1 + 0.045*cmp
	sh := 1 + 0.015*cmp*t
	rt := -math.Sin(2*dTheta*rad) * rc
	return math.Sqrt(math.Pow(dL/sl, 2) + math.Pow(dC/sc, 2) + math.Pow(dH/sh, 2) + rt*(dC/sc)*(dH/sh))
}

// deltaStats is the mean, 99th percentile and largest ΔE2000 between two
// images of the same size, over the pixels whose alpha in a is at least
// minAlpha; colours are compared unpremultiplied.
type deltaStats struct{ mean, p99, max float64 }

func compareImages(t testing.TB, a, b image.Image, minAlpha uint8) deltaStats {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes %v and %v differ", a.Bounds().Size(), b.Bounds().Size())
	}
	var ds []float64
	sum := 0.0
	ab, bb := a.Bounds(), b.Bounds()
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			p := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			q := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			if p.A < minAlpha {
				continue
			}
			d := deltaE2000(srgbLab(p.R, p.G, p.B), srgbLab(q.R, q.G, q.B))
			ds = append(ds, d)
			sum += d
		}
	}
	if len(ds) == 0 {
		t.Fatal("no pixel compared")
	}
	sort.Float64s(ds)
	return deltaStats{sum / float64(len(ds)), ds[len(ds)*99/100], ds[len(ds)-1]}
}

func decodeImage(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// iccTag is one tag of a profile that buildICC writes.
type iccTag struct {
	sig  string
	body []byte
}

// buildICC writes an ICC v4 profile of the given class, colour space and
// connection space with the given tags, for tests of what no corpus file
// shows.
func buildICC(version byte, class, space, pcs string, tags ...iccTag) []byte {
	base := 128 + 4 + 12*len(tags)
	var table, data []byte
	for _, t := range tags {
		table = append(table, t.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(base+len(data)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(t.body)))
		data = append(data, t.body...)
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
	}
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h, uint32(base+len(data)))
	h[8] = version
	copy(h[12:], class)
	copy(h[16:], space)
	copy(h[20:], pcs)
	copy(h[36:], "acsp")
	copy(h[68:], s15Bytes(0.9642, 1, 0.8249))
	out := append(h, binary.BigEndian.AppendUint32(nil, uint32(len(tags)))...)
	return append(append(out, table...), data...)
}

func s15Bytes(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(math.Round(v*65536))))
	}
	return b
}

func xyzTag(x, y, z float64) []byte {
	return append([]byte("XYZ \x00\x00\x00\x00"), s15Bytes(x, y, z)...)
}

func paraTag(kind int, params ...float64) []byte {
	b := append([]byte("para\x00\x00\x00\x00"), byte(kind>>8), byte(kind), 0, 0)
	return append(b, s15Bytes(params...)...)
}

func curvTag(table ...uint16) []byte {
	b := binary.BigEndian.AppendUint32([]byte("curv\x00\x00\x00\x00"), uint32(len(table)))
	for _, v := range table {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}

// matrixICC is a matrix/TRC RGB profile with sRGB's colorants and the
// given curves for r, g and b, and extra tags.
func matrixICC(r, g, b []byte, extra ...iccTag) []byte {
	m := colorantsD50([3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, [2]float64{0.3127, 0.3290})
	tags := []iccTag{{"wtpt", xyzTag(0.9642, 1, 0.8249)},
		{"rXYZ", xyzTag(m[0][0], m[1][0], m[2][0])}, {"gXYZ", xyzTag(m[0][1], m[1][1], m[2][1])}, {"bXYZ", xyzTag(m[0][2], m[1][2], m[2][2])},
		{"rTRC", r}, {"gTRC", g}, {"bTRC", b}}
	return buildICC(4, "mntr", "RGB ", "XYZ ", append(tags, extra...)...)
}

// withICC returns a PNG of img carrying profile.
func withICC(t testing.TB, img image.Image, profile []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	return append(append(append([]byte(nil), b[:33]...), pngICC(profile)...), b[33:]...)
}

// sourcePixels decodes a corpus file as it is, ignoring its profile.
func sourcePixels(t testing.TB, name string) image.Image {
	return decodeImage(t, readFile(t, filepath.Join(colourDir, name)))
}

// encodeIn re-encodes an sRGB image in the matrix/TRC profile p, 8 bits a
// channel, as a camera writing that space would: each linear value gets
// the code whose tone curve value is nearest.
func encodeIn(p *iccProfile, src image.Image) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, src, b.Min, draw.Src)
	inv, _ := invert3(p.colorants)
	m := mul3(inv, colorantsD50([3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, [2]float64{0.3127, 0.3290}))
	var curve [3][256]float64
	for c := range 3 {
		for v := range 256 {
			curve[c][v] = p.trc[c].eval(float64(v) / 255)
		}
	}
	for i := 0; i < len(out.Pix); i += 4 {
		var l [3]float64
		for c := range 3 {
			l[c] = srgbDecode(float64(out.Pix[i+c]) / 255)
		}
		for c := range 3 {
			x := m[c][0]*l[0] + m[c][1]*l[1] + m[c][2]*l[2]
			v := sort.SearchFloat64s(curve[c][:], x)
			if v == 256 || v > 0 && x-curve[c][v-1] < curve[c][v]-x {
				v--
			}
			out.Pix[i+c] = uint8(v)
		}
	}
	return out
}
