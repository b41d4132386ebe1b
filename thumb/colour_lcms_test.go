package thumb

import (
	"errors"
	"image"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fanout-dev/fanout/internal/lcms"
)

// lcmsCorpus is the part of testdata/colour that only Little CMS applies
// (made by make_lcms.sh): a LUT-based CMYK profile on a CMYK JPEG, Adobe
// inverted and unmarked, and a LUT-based RGB profile.
var lcmsCorpus = []corpusCase{
	{"cmyk-lut.jpg", "cmyk-lut.ref.png", true},
	{"cmyk-lut-no-adobe.jpg", "cmyk-lut.ref.png", true},
	{"rgb-lut-photo.png", "rgb-lut-photo.ref.png", true},
}

func lcmsLoaded() bool {
	ok, _ := lcms.Available()
	return ok
}

func needLCMS(t testing.TB) {
	t.Helper()
	if ok, err := lcms.Available(); !ok {
		t.Skipf("Little CMS not loaded (%v): the pure-Go path is tested elsewhere", err)
	}
}

// withoutLCMS makes Make take the path of a machine without Little CMS
// until the test ends.
func withoutLCMS(t *testing.T) {
	old := lcmsAvailable
	lcmsAvailable = func() (bool, error) { return false, errors.New("lcms: not here (test)") }
	t.Cleanup(func() { lcmsAvailable = old })
}

// sourceImage decodes data as fanout does, unconverted: a CMYK JPEG
// without an Adobe segment too, which image.Decode refuses.
func sourceImage(t testing.TB, data []byte) image.Image {
	t.Helper()
	src, err := checkHeader(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := src.decodeFull(data, false)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// convertLCMSCorpus is convertCorpus for lcmsCorpus.
func convertLCMSCorpus(t testing.TB, c corpusCase) (converted, unconverted deltaStats, set *Set) {
	t.Helper()
	data := readFile(t, filepath.Join(colourDir, c.src))
	src := sourceImage(t, data)
	ref := sourcePixels(t, c.ref)
	b := src.Bounds()
	set, err := Make(data, Options{Boxes: []Box{{b.Dx(), b.Dy()}}})
	if err != nil {
		t.Fatal(err)
	}
	return compareImages(t, set.Thumbs[0], ref, 0), compareImages(t, src, ref, 0), set
}

// CMYK JPEGs with a CMYK profile, Adobe inverted or not, and an RGB image
// with a LUT-based profile are converted as Little CMS converts them
// through Pillow (mean ΔE2000 ≤ 0.5; Go's JPEG decoder rounds apart from
// libjpeg's, whose pixels the reference converted, hence max ≤ 3), and
// carry no profile. Unconverted, they are off by more than 1.
func TestColourLCMSCorpus(t *testing.T) {
	needLCMS(t)
	for _, c := range lcmsCorpus {
		t.Run(c.src, func(t *testing.T) {
			got, before, set := convertLCMSCorpus(t, c)
			t.Logf("ΔE2000 to Little CMS via Pillow: mean %.3f, p99 %.3f, max %.3f (unconverted: mean %.2f, max %.2f)", got.mean, got.p99, got.max, before.mean, before.max)
			if set.ICC != nil || set.Warning != "" {
				t.Errorf("profile of %d bytes kept, warning %q; want none", len(set.ICC), set.Warning)
			}
			if got.mean > 0.5 || got.max > 3 {
				t.Errorf("ΔE2000 mean %.3f, max %.3f: want ≤ 0.5 and ≤ 3", got.mean, got.max)
			}
			if before.mean < 1 {
				t.Errorf("unconverted mean ΔE %.2f: the corpus does not show the fault", before.mean)
			}
		})
	}
}

// BenchmarkColourLCMSDeltaE reports the ΔE2000 between fanout's
// conversion through Little CMS and Pillow's (ΔE, ΔE-max), and that of
// the unconverted pixels:
//
//	go test -run '^$' -bench ColourLCMSDeltaE -benchtime 1x ./thumb
func BenchmarkColourLCMSDeltaE(b *testing.B) {
	needLCMS(b)
	for _, c := range lcmsCorpus {
		b.Run(strings.TrimSuffix(c.src, filepath.Ext(c.src)), func(b *testing.B) {
			var got, before deltaStats
			for b.Loop() {
				got, before, _ = convertLCMSCorpus(b, c)
			}
			b.ReportMetric(got.mean, "ΔE")
			b.ReportMetric(got.max, "ΔE-max")
			b.ReportMetric(before.mean, "ΔE-unconverted")
		})
	}
}

// The thumbnails of a CMYK JPEG, made from its CMYK pre-shrunk image, are
// close to the reference resized: the conversion after the box reduction
// is as good as the RGB one.
func TestColourLCMSThumbnail(t *testing.T) {
	needLCMS(t)
	data := readFile(t, filepath.Join(colourDir, "cmyk-lut.jpg"))
	set, err := Make(data, Options{Boxes: []Box{{40, 40}}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Make(readFile(t, filepath.Join(colourDir, "cmyk-lut.ref.png")), Options{Boxes: []Box{{40, 40}}})
	if err != nil {
		t.Fatal(err)
	}
	d := compareImages(t, set.Thumbs[0], ref.Thumbs[0], 0)
	t.Logf("40 px: ΔE2000 mean %.3f, p99 %.3f, max %.3f", d.mean, d.p99, d.max)
	if d.mean > 0.6 || d.p99 > 3 {
		t.Errorf("ΔE2000 mean %.3f, p99 %.3f: want ≤ 0.6 and ≤ 3", d.mean, d.p99)
	}
}

// Without Little CMS the pixels stay as they are, and the one warning line
// says that Little CMS would convert them; the RGB profile, which fits the
// output, is copied into the thumbnails as before.
func TestColourWithoutLCMS(t *testing.T) {
	withoutLCMS(t)
	for _, c := range lcmsCorpus {
		_, before, set := convertLCMSCorpus(t, c)
		if !strings.Contains(set.Warning, "Little CMS would convert them") || strings.Contains(set.Warning, "\n") {
			t.Errorf("%s: warning %q", c.src, set.Warning)
		}
		if got := compareImages(t, set.Thumbs[0], sourceImage(t, readFile(t, filepath.Join(colourDir, c.src))), 0); got.mean > 0.3 {
			t.Errorf("%s: pixels changed by ΔE %.2f (unconverted is %.2f from the reference)", c.src, got.mean, before.mean)
		}
		if rgb := strings.HasSuffix(c.src, ".png"); rgb != (set.ICC != nil) {
			t.Errorf("%s: profile of %d bytes copied", c.src, len(set.ICC))
		}
		t.Logf("%s: %s", c.src, set.Warning)
	}
}

// A profile Little CMS cannot use leaves the pixels and says why.
func TestColourLCMSBadProfile(t *testing.T) {
	needLCMS(t)
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 200
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	lut := buildICC(4, "mntr", "RGB ", "XYZ ", iccTag{"wtpt", xyzTag(0.9642, 1, 0.8249)}, iccTag{"A2B0", append([]byte("mft2\x00\x00\x00\x00"), make([]byte, 64)...)})
	set, err := Make(withICC(t, img, lut), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(set.Warning, "Little CMS cannot apply it") || set.Thumbs[0].Pix[0] != 200 {
		t.Errorf("warning %q, pixel %v", set.Warning, set.Thumbs[0].Pix[:4])
	}
}

// Transforms are made once per profile and shared by concurrent images;
// beyond maxLCMSCached profiles each is made for its image and freed.
func TestColourLCMSCache(t *testing.T) {
	needLCMS(t)
	data := readFile(t, filepath.Join(colourDir, "cmyk-lut.jpg"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := Make(data, Options{Boxes: []Box{{32, 32}}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	p := readMeta("png", readFile(t, filepath.Join(colourDir, "rgb-lut-photo.png"))).icc
	for i := range maxLCMSCached + 4 {
		q := append([]byte(nil), p...)
		q[len(q)-1] ^= byte(i) // an output curve's last byte: another profile
		q[len(q)-2] ^= byte(i >> 8)
		x, done, err := lcmsTransform(q, lcmsRGB)
		if err != nil {
			t.Fatal(err)
		}
		px := []byte{10, 20, 30, 255}
		x.Do(px, px, 1)
		done()
	}
	lcmsCache.Lock()
	n := len(lcmsCache.m)
	lcmsCache.Unlock()
	if n > maxLCMSCached {
		t.Errorf("%d transforms cached", n)
	}
}

// The colour engine is named for `fanout version`.
func TestColourEngine(t *testing.T) {
	got := ColourEngine()
	if ok, _ := lcms.Available(); ok != strings.HasPrefix(got, "lcms2 2.") {
		t.Errorf("ColourEngine() = %q with Little CMS loaded: %v", got, ok)
	}
	t.Log(got)
}

// BenchmarkMakeCMYKLUT and BenchmarkMakeCMYKLUTKeep are a pair: a CMYK
// JPEG converted by Little CMS, and the same left as it is
// (KeepProfile, Pillow's naive CMYK to RGB); their ratio is the cost of
// the conversion on a small CMYK image, where it is largest (see
// bench/thumbs/colour for photos).
func BenchmarkMakeCMYKLUT(b *testing.B) {
	needLCMS(b)
	benchMake(b, readFile(b, filepath.Join(colourDir, "cmyk-lut.jpg")), Options{})
}

func BenchmarkMakeCMYKLUTKeep(b *testing.B) {
	benchMake(b, readFile(b, filepath.Join(colourDir, "cmyk-lut.jpg")), Options{KeepProfile: true})
}
