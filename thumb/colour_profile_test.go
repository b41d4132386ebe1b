package thumb

import (
	"bytes"
	"encoding/json"
	"image"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// What becomes of the source's profile: the sRGB fast path, KeepProfile,
// and profiles that must never be written (CMYK, grey on colour, colour on
// grey, too large).

// A source tagged sRGB takes the fast path: its pixels are those of the
// same image untagged, and no profile is written.
func TestColourSRGBFastPath(t *testing.T) {
	for _, name := range []string{filepath.Join(colourDir, "srgb-cube.png"), filepath.Join(samples, "two-wings-icc.jpg")} {
		data := readFile(t, name)
		format := "png"
		if strings.HasSuffix(name, ".jpg") {
			format = "jpeg"
		}
		m := readMeta(format, data)
		p, err := parseICC(m.icc)
		if err != nil || p.kind != iccMatrixTRC {
			t.Fatalf("%s: %v, kind %v", name, err, p)
		}
		if _, identity := newColourTransform(p); !identity {
			t.Errorf("%s: sRGB profile not seen as sRGB", name)
		}
		set, err := Make(data, Options{PureGo: true})
		if err != nil {
			t.Fatal(err)
		}
		kept, err := Make(data, Options{PureGo: true, KeepProfile: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range set.Thumbs {
			if !bytes.Equal(set.Thumbs[i].Pix, kept.Thumbs[i].Pix) {
				t.Errorf("%s: thumbnail %d converted", name, i)
			}
		}
		if set.ICC != nil || set.Warning != "" {
			t.Errorf("%s: profile of %d bytes kept, warning %q", name, len(set.ICC), set.Warning)
		}
	}
}

// KeepProfile leaves the pixels as they are and writes the profile into
// PNG and JPEG output.
func TestKeepProfile(t *testing.T) {
	data := readFile(t, filepath.Join(colourDir, "adobe-rgb-cube.png"))
	in := readMeta("png", data).icc
	set, err := Make(data, Options{Boxes: []Box{{64, 64}}, KeepProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := compareImages(t, set.Thumbs[0], decodeImage(t, data), 0); d.max != 0 {
		t.Errorf("pixels changed: ΔE max %.2f", d.max)
	}
	if !bytes.Equal(set.ICC, in) || set.Warning != "" {
		t.Fatalf("profile of %d bytes for the input's %d, warning %q", len(set.ICC), len(in), set.Warning)
	}
	for _, f := range []Format{PNG, JPEG} {
		out := encodeThumb(t, f, set, 0)
		if got := readMeta(string(f), out).icc; !bytes.Equal(got, in) {
			t.Errorf("%s output: profile of %d bytes, want the input's %d", f, len(got), len(in))
		}
	}
}

// encodeThumb encodes thumbnail i of set as Job would.
func encodeThumb(t testing.TB, f Format, set *Set, i int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (Encoder{Format: f}).Encode(&buf, set.Thumbs[i], set.Gray, set.ICC); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A CMYK JPEG with a CMYK profile never gives a thumbnail carrying that
// profile, by default or with KeepProfile, and a warning says so unless
// Little CMS converted the pixels (by default, when it is loaded).
func TestColourCMYKProfile(t *testing.T) {
	data := readFile(t, filepath.Join(colourDir, "cmyk.jpg"))
	if p, err := parseICC(readMeta("jpeg", data).icc); err != nil || p.space != "CMYK" {
		t.Fatalf("corpus file has no CMYK profile: %v", err)
	}
	for _, keep := range []bool{false, true} {
		set, err := Make(data, Options{KeepProfile: keep})
		if err != nil {
			t.Fatal(err)
		}
		converted := !keep && lcmsLoaded()
		if set.ICC != nil || converted != !strings.Contains(set.Warning, "CMYK ICC profile dropped") {
			t.Errorf("keep %v: profile of %d bytes, warning %q", keep, len(set.ICC), set.Warning)
		}
		t.Logf("keep %v: %s", keep, set.Warning)
		for _, f := range []Format{PNG, JPEG} {
			if icc := readMeta(string(f), encodeThumb(t, f, set, 0)).icc; icc != nil {
				t.Errorf("keep %v: %s output carries a profile of %d bytes", keep, f, len(icc))
			}
		}
	}
	// The encoder itself refuses it too.
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for _, f := range []Format{PNG, JPEG} {
		var buf bytes.Buffer
		if err := (Encoder{Format: f}).Encode(&buf, img, false, readMeta("jpeg", data).icc); err != nil {
			t.Fatal(err)
		}
		if icc := readMeta(string(f), buf.Bytes()).icc; icc != nil {
			t.Errorf("Encode wrote a CMYK profile into %s", f)
		}
	}
}

// A grey PNG with a grey profile gives a grey thumbnail with no profile,
// or with its own with KeepProfile; grey with alpha, whose output is RGBA,
// never carries the grey profile; a grey profile on a colour image and a
// colour profile on a grey one are never written.
func TestColourGrayProfile(t *testing.T) {
	ramp := readFile(t, filepath.Join(colourDir, "gray-ramp.png"))
	gray := readMeta("png", ramp).icc
	for _, keep := range []bool{false, true} {
		set, err := Make(ramp, Options{KeepProfile: keep})
		if err != nil {
			t.Fatal(err)
		}
		out := encodeThumb(t, PNG, set, 2)
		if _, ok := decodePNG(t, out).(*image.Gray); !ok {
			t.Errorf("keep %v: output is not greyscale", keep)
		}
		want := []byte(nil)
		if keep {
			want = gray
		}
		if got := readMeta("png", out).icc; !bytes.Equal(got, want) || set.Warning != "" {
			t.Errorf("keep %v: output profile of %d bytes, want %d; warning %q", keep, len(got), len(want), set.Warning)
		}
	}

	ga := readFile(t, filepath.Join(colourDir, "gray-alpha.png"))
	for _, keep := range []bool{false, true} {
		set, err := Make(ga, Options{Boxes: []Box{{64, 64}}, KeepProfile: keep})
		if err != nil {
			t.Fatal(err)
		}
		if icc := readMeta("png", encodeThumb(t, PNG, set, 0)).icc; icc != nil {
			t.Errorf("keep %v: grey and alpha gave an RGBA PNG with a profile", keep)
		}
		if keep != strings.Contains(set.Warning, "GRAY ICC profile dropped") {
			t.Errorf("keep %v: warning %q", keep, set.Warning)
		}
		if !keep { // converted as the same ramp without alpha is
			// Premultiplied 8-bit pixels hold the colour of translucent
			// ones to 255/alpha codes: compare the nearly opaque.
			d := compareImages(t, set.Thumbs[0], sourcePixels(t, "gray-ramp.ref.png"), 192)
			if d.mean > 0.5 || d.max > 3 {
				t.Errorf("grey and alpha converted: ΔE2000 mean %.3f, max %.3f", d.mean, d.max)
			}
		}
	}

	colour := withICC(t, image.NewRGBA(image.Rect(0, 0, 8, 8)), gray)
	rgb := readMeta("png", readFile(t, filepath.Join(colourDir, "adobe-rgb-cube.png"))).icc
	greyJPEG := readFile(t, filepath.Join(samples, "two-wings-grey-jpeg.jpg"))
	var withRGB bytes.Buffer
	withRGB.Write(greyJPEG[:2])
	withRGB.Write(jpegICC(rgb))
	withRGB.Write(greyJPEG[2:])
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"grey profile on a colour PNG", colour, "GRAY ICC profile dropped: it cannot describe an RGB thumbnail"},
		{"RGB profile on a grey JPEG", withRGB.Bytes(), "RGB ICC profile dropped: it cannot describe a greyscale thumbnail"},
	} {
		for _, keep := range []bool{false, true} {
			set, err := Make(c.data, Options{KeepProfile: keep})
			if err != nil {
				t.Fatal(err)
			}
			if set.ICC != nil || !strings.HasPrefix(set.Warning, c.want) {
				t.Errorf("%s, keep %v: profile of %d bytes, warning %q", c.name, keep, len(set.ICC), set.Warning)
			}
		}
	}
}

// A 3 MB profile is not copied into thumbnails by default: a matrix/TRC
// one is applied, a LUT-based one dropped with a warning (KeepProfile
// copies it); one over 4 MiB is ignored with a warning.
func TestColourLargeProfile(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	table := make([]uint16, 3<<19) // 3 MiB
	for i := range table {
		table[i] = uint16(math.Round(65535 * math.Pow(float64(i)/float64(len(table)-1), 2.2)))
	}
	big := curvTag(table...)
	matrix := matrixICC(big, paraTag(0, 2.2), paraTag(0, 2.2))
	lut := matrixICC(paraTag(0, 2.2), paraTag(0, 2.2), paraTag(0, 2.2), iccTag{"A2B0", append([]byte("mft2\x00\x00\x00\x00"), make([]byte, 3<<20)...)})
	huge := matrixICC(paraTag(0, 2.2), paraTag(0, 2.2), paraTag(0, 2.2), iccTag{"zzzz", make([]byte, 5<<20)})
	for _, c := range []struct {
		name    string
		profile []byte
		keep    bool
		copied  bool
		warning string
	}{
		{"matrix/TRC", matrix, false, false, ""},
		{"matrix/TRC kept", matrix, true, true, ""},
		{"LUT-based", lut, false, false, "too large to copy"},
		{"LUT-based kept", lut, true, true, ""},
		{"over 4 MiB", huge, false, false, "ignored"},
		{"over 4 MiB kept", huge, true, false, "ignored"},
	} {
		set, err := Make(withICC(t, img, c.profile), Options{KeepProfile: c.keep})
		if err != nil {
			t.Fatal(err)
		}
		if got := readMeta("png", encodeThumb(t, PNG, set, 0)).icc; (got != nil) != c.copied {
			t.Errorf("%s: output profile of %d bytes", c.name, len(got))
		}
		if (c.warning == "") != (set.Warning == "") || !strings.Contains(set.Warning, c.warning) {
			t.Errorf("%s: warning %q, want one with %q", c.name, set.Warning, c.warning)
		}
		t.Logf("%s: %d-byte profile, warning %q", c.name, len(c.profile), set.Warning)
	}
}

// KeepProfile travels with the settings, and the job's wire version says
// that the settings changed.
func TestKeepProfileSetting(t *testing.T) {
	b, err := json.Marshal(Settings{KeepProfile: true})
	if err != nil || string(b) != `{"keep_profile":true}` {
		t.Errorf("settings as JSON: %s, %v", b, err)
	}
	if (Settings{KeepProfile: true}).options().KeepProfile != true {
		t.Error("Settings.KeepProfile does not reach Options")
	}
	if Job.Version < 2 {
		t.Errorf("Job.Version %d: the settings' wire form changed in 2", Job.Version)
	}
}
