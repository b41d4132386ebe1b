package thumb

import (
	"image"
	"image/draw"
	"math/rand/v2"
	"testing"
)

// The fast paths for NRGBA and YCbCr sources agree with the general one
// (convert to RGBA, then average) to within rounding.
func TestReduceFastPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	nrgba := image.NewNRGBA(image.Rect(3, 5, 103, 72))
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(r.IntN(256))
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 101, 67), image.YCbCrSubsampleRatio420)
	// Colours inside the RGB gamut, where no clamping hides a difference.
	for i := range ycc.Y {
		ycc.Y[i] = uint8(64 + r.IntN(128))
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(108+r.IntN(40)), uint8(108+r.IntN(40))
	}
	for _, src := range []image.Image{nrgba, ycc} {
		for _, f := range [][2]int{{2, 2}, {3, 5}, {7, 1}, {16, 16}} {
			got := reduce(src, f[0], f[1])
			b := src.Bounds()
			conv := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
			draw.Draw(conv, conv.Rect, src, b.Min, draw.Src)
			want := reduce(conv, f[0], f[1])
			if got.Rect != want.Rect {
				t.Fatalf("%T %v: size %v, want %v", src, f, got.Rect, want.Rect)
			}
			for i := range got.Pix {
				if d := int(got.Pix[i]) - int(want.Pix[i]); d > 3 || d < -3 {
					x, y := (i/4)%got.Rect.Dx(), (i/4)/got.Rect.Dx()
					t.Fatalf("%T %v at %d,%d: %v, want %v", src, f, x, y, got.RGBAAt(x, y), want.RGBAAt(x, y))
				}
			}
		}
	}
}
