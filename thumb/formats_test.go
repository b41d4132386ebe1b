package thumb

import (
	"errors"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// formatCases are the files of testdata/formats (see make.py there):
// kinds that Go's decoders refuse and fanout reads.
var formatCases = []struct {
	file   string
	format string
	gray   bool
	arith  bool // libjpeg-turbo only
}{
	{file: "arith.jpg", format: "jpeg", arith: true},
	{file: "arith-progressive.jpg", format: "jpeg", arith: true},
	{file: "cmyk-no-adobe.jpg", format: "jpeg"},
	{file: "cmyk-lzw.tif", format: "tiff"},
	{file: "cmyk-16bit.tif", format: "tiff"},
	{file: "jpeg-ycbcr.tif", format: "tiff"},
	{file: "jpeg-rgb.tif", format: "tiff"},
	{file: "jpeg-tiled.tif", format: "tiff"},
	{file: "jpeg-grey.tif", format: "tiff", gray: true},
	{file: "ojpeg.tif", format: "tiff"},
	{file: "rle8.bmp", format: "bmp"},
	{file: "rle4.bmp", format: "bmp"},
	{file: "rgb555.bmp", format: "bmp"},
	{file: "rgb565.bmp", format: "bmp"},
	{file: "rgb555-bitfields.bmp", format: "bmp"},
}

// Each kind of file Go's decoders refuse is read: its thumbnail has
// Pillow's size, and its pixels, at full size and in a 48 px box, are
// those of Pillow's decode within a small mean error (in 8-bit levels).
// An arithmetic-coded JPEG on the pure-Go path fails, saying why.
func TestFormatsMatchPillow(t *testing.T) {
	dir := filepath.Join("testdata", "formats")
	boxes := []Box{{48, 48}, {1000, 1000}}
	for dec, pure := range decoders(t) {
		for _, c := range formatCases {
			t.Run(dec+"/"+c.file, func(t *testing.T) {
				stem := strings.TrimSuffix(c.file, filepath.Ext(c.file))
				set, err := Make(readFile(t, filepath.Join(dir, c.file)), Options{Boxes: boxes, PureGo: pure})
				if c.arith && pure {
					if !errors.Is(err, ErrArithmetic) || !strings.Contains(err.Error(), "arithmetic-coded JPEG needs libjpeg-turbo") {
						t.Fatalf("pure Go: %v, want ErrArithmetic", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if set.Format != c.format || set.Gray != c.gray {
					t.Errorf("format %s, gray %v; want %s, %v", set.Format, set.Gray, c.format, c.gray)
				}
				full := decodeImage(t, readFile(t, filepath.Join(dir, stem+".ref.png")))
				small := decodeImage(t, readFile(t, filepath.Join(dir, stem+".thumb48.png")))
				for i, ref := range []image.Image{small, full} {
					got := set.Thumbs[i]
					if got.Rect.Size() != ref.Bounds().Size() {
						t.Fatalf("box %v: %v, Pillow %v", boxes[i], got.Rect.Size(), ref.Bounds().Size())
					}
					mean, worst := meanDiff(got, ref)
					t.Logf("box %v: mean difference %.2f, at most %d", boxes[i], mean, worst)
					if limit := tolerance(set.Decoder, i == 1); mean > limit {
						t.Errorf("box %v: mean difference to Pillow %.2f levels, want at most %.1f (decoder %s)", boxes[i], mean, limit, set.Decoder)
					}
				}
			})
		}
	}
}

// tolerance is the mean difference to Pillow's decode allowed: libjpeg,
// which Pillow uses, and Go's image/jpeg upsample chroma differently
// (Go's repeats each sample), which shows at full size on JPEG data.
func tolerance(decoder string, full bool) float64 {
	if decoder == "go" && full {
		return 3
	}
	return 1.5
}

// meanDiff is the mean and the largest absolute difference of the RGB
// channels of a and b, in 8-bit levels.
func meanDiff(a *image.RGBA, b image.Image) (float64, int) {
	sum, worst, n := 0.0, 0, 0
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			p := rgbaAt(a, x, y)
			q := color.NRGBAModel.Convert(b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(p.R) - int(q.R), int(p.G) - int(q.G), int(p.B) - int(q.B)} {
				d = int(math.Abs(float64(d)))
				sum += float64(d)
				worst = max(worst, d)
				n++
			}
		}
	}
	return sum / float64(n), worst
}

// Each of those files cut in half fails with a reason, for both decoders.
func TestFormatsTruncated(t *testing.T) {
	for dec, pure := range decoders(t) {
		for _, c := range formatCases {
			data := readFile(t, filepath.Join("testdata", "formats", c.file))
			_, err := Make(data[:len(data)/2], Options{PureGo: pure})
			if err == nil {
				t.Errorf("%s/%s cut in half: no error", dec, c.file)
				continue
			}
			if !strings.HasPrefix(err.Error(), "decode ") && !strings.HasPrefix(err.Error(), "read ") {
				t.Errorf("%s/%s cut in half: %v", dec, c.file, err)
			}
		}
	}
}
