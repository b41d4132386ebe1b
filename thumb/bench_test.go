package thumb

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// photo returns a w×h image with smooth gradients and some noise, encoded
// as format, so that the benchmarks decode realistic data.
func photo(b *testing.B, w, h int, format string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			n := uint8(r.IntN(24))
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*255/w)+n, uint8(y*255/h)+n, uint8((x+y)*127/(w+h))+n, 255
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchMake(b *testing.B, data []byte, o Options) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Make(data, o); err != nil {
			b.Fatal(err)
		}
	}
}

// Decode plus the three default sizes of a 2560×1600 photo.
func BenchmarkMakeJPEGPureGo(b *testing.B) {
	benchMake(b, photo(b, 2560, 1600, "jpeg"), Options{PureGo: true})
}

func BenchmarkMakeJPEGTurbo(b *testing.B) {
	if ok, err := turbo.Available(); !ok {
		b.Skip(err)
	}
	benchMake(b, photo(b, 2560, 1600, "jpeg"), Options{})
}

func BenchmarkMakePNG(b *testing.B) {
	benchMake(b, photo(b, 1920, 1200, "png"), Options{})
}

// The resize alone: box reduction and Catmull-Rom from a decoded image.
func BenchmarkResize(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 2560, 1600))
	b.ReportAllocs()
	for b.Loop() {
		mid := reduce(src, 10, 6)
		for _, s := range []image.Point{{128, 80}, {64, 40}, {32, 20}} {
			thumbFrom(mid, 256, 1600/6.0, s.X, s.Y)
		}
	}
}
