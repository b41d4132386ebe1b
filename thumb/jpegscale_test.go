package thumb

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// boxDown averages src over denom×denom cells (partial at the edges):
// what a full decode reduced by denom gives.
func boxDown(src image.Image, denom int) *image.RGBA {
	b := src.Bounds()
	w, h := (b.Dx()+denom-1)/denom, (b.Dy()+denom-1)/denom
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var s [3]int
			n := 0
			for yy := y * denom; yy < min((y+1)*denom, b.Dy()); yy++ {
				for xx := x * denom; xx < min((x+1)*denom, b.Dx()); xx++ {
					r, g, bl, _ := src.At(b.Min.X+xx, b.Min.Y+yy).RGBA()
					s[0] += int(r >> 8)
					s[1] += int(g >> 8)
					s[2] += int(bl >> 8)
					n++
				}
			}
			i := out.PixOffset(x, y)
			for c := range 3 {
				out.Pix[i+c] = uint8((s[c] + n/2) / n)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}

// diff returns the mean and the largest absolute difference of the
// colour channels of two images of the same size.
func diff(t *testing.T, a, b *image.RGBA) (float64, int) {
	t.Helper()
	if a.Rect != b.Rect {
		t.Fatalf("sizes %v and %v", a.Rect, b.Rect)
	}
	sum, most := 0, 0
	for i := 0; i < len(a.Pix); i += 4 {
		for c := range 3 {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			d = max(d, -d)
			sum += d
			most = max(most, d)
		}
	}
	return float64(sum) / float64(3*len(a.Pix)/4), most
}

func scaledSamples(t *testing.T) []string {
	files, _ := filepath.Glob(filepath.Join("testdata", "jpegscale", "*.jpg"))
	more, _ := filepath.Glob(filepath.Join(samples, "*.jpg"))
	files = append(files, more...)
	if len(files) < 10 {
		t.Fatalf("%d sample JPEGs", len(files))
	}
	return files
}

// The scaled decode agrees with a full decode by image/jpeg reduced by
// the same factor, and with libjpeg-turbo's scaled decode where it is
// loaded, for baseline and progressive files, every chroma subsampling,
// restart intervals, grey, RGB and sizes that are no multiple of a block.
func TestJPEGScaledAgrees(t *testing.T) {
	haveTurbo, _ := turbo.Available()
	for _, f := range scaledSamples(t) {
		data := readFile(t, f)
		name := filepath.Base(f)
		ref, err := jpeg.Decode(bytes.NewReader(data))
		for _, denom := range []int{2, 4, 8} {
			got, gerr := decodeJPEGScaled(data, denom)
			switch {
			case name == "arith.jpg" || name == "two-wings-cmyk.jpg" || name == "png-named-as.jpg":
				if !errors.Is(gerr, errJPEGScale) {
					t.Errorf("%s: %v, want it left to image/jpeg", name, gerr)
				}
				continue
			case gerr != nil:
				t.Errorf("%s 1/%d: %v (image/jpeg: %v)", name, denom, gerr, err)
				continue
			}
			// At 1/8 a block is its mean: only rounding differs. At 1/2
			// and 1/4 the low frequencies are sampled where a box
			// averages: sharp edges differ more. (image/jpeg refuses
			// progressive files with restart markers, which libjpeg
			// reads.)
			meanMax := 2.5
			if denom == 8 {
				meanMax = 1.5
			}
			if err == nil {
				if mean, most := diff(t, got, boxDown(ref, denom)); mean > meanMax || most > 80 {
					t.Errorf("%s 1/%d: mean difference %.2f (max %d) to image/jpeg reduced; want at most %.1f (80)", name, denom, mean, most, meanMax)
				}
			}
			if haveTurbo {
				tj, err := turbo.Decode(data, denom)
				if err != nil {
					t.Fatal(err)
				}
				// libjpeg-turbo upsamples 4:4:0 chroma after its inverse
				// DCT, where this decoder does it in it.
				if tm, tmost := diff(t, got, tj); tm > 3 || err != nil && tm > meanMax {
					t.Errorf("%s 1/%d: mean difference %.2f (max %d) to libjpeg-turbo's scaled decode", name, denom, tm, tmost)
				}
			}
		}
	}
}

// Every truncation of the samples fails cleanly or decodes: never a
// panic, never a hang.
func TestJPEGScaledTruncated(t *testing.T) {
	for _, f := range scaledSamples(t) {
		data := readFile(t, f)
		for n := 0; n < len(data); n += 1 + len(data)/41 {
			decodeJPEGScaled(data[:n], 8)
			decodeJPEGScaled(data[:n], 2)
		}
	}
}

func FuzzJPEGScaled(f *testing.F) {
	for _, dir := range []string{filepath.Join("testdata", "jpegscale"), samples} {
		files, _ := os.ReadDir(dir)
		for _, e := range files {
			if strings.HasSuffix(e.Name(), ".jpg") {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				f.Add(b, uint8(8))
				f.Add(b, uint8(4))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, denom uint8) {
		if len(data) > 1<<20 {
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || int64(cfg.Width)*int64(cfg.Height) > 1<<22 {
			return // the caller checks the header first
		}
		img, err := decodeJPEGScaled(data, int(denom))
		if err != nil {
			return
		}
		d := int(denom)
		if want := image.Rect(0, 0, (cfg.Width+d-1)/d, (cfg.Height+d-1)/d); img.Rect != want {
			t.Fatalf("%v, want %v", img.Rect, want)
		}
	})
}
