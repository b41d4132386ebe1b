package thumb

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"testing"

	"github.com/fanout-dev/fanout/internal/libdeflate"
)

// FuzzPNGShrink feeds damaged PNGs to the row decoder, seeded from the
// PNGs of the test data and one file of every kind testPNG writes. It
// must return an image or an error, never panic or hang; where image/png
// decodes the data, the row decoder must give the same pixels as
// image/png and reduce, and inflating with libdeflate must change
// nothing, pixels or error. Headers of more than a megapixel are skipped, so
// that one iteration stays fast.
func FuzzPNGShrink(f *testing.F) {
	for _, path := range testdataPNGs(f) {
		if b, err := os.ReadFile(path); err == nil && len(b) < 64<<10 {
			f.Add(b, uint8(2), uint8(3))
		}
	}
	for i, k := range allPNGKinds() {
		f.Add(testPNG(k, 13, 7, uint64(i)), uint8(1+i%4), uint8(1+i%3))
	}
	f.Fuzz(func(t *testing.T, data []byte, fx, fy uint8) {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err == nil && cfg.Width*cfg.Height > 1<<20 {
			return
		}
		fx, fy = max(fx%16, 1), max(fy%16, 1)
		if fx == 1 && fy == 1 {
			fy = 2 // reduce only copies at 1×1, and pngShrink is not used then
		}
		got, err := pngShrink(data, int(fx), int(fy), false)
		if errors.Is(err, errPNGInterlaced) {
			return
		}
		if ok, _ := libdeflate.Available(); ok {
			if err := sameShrink(data, int(fx), int(fy)); err != nil {
				t.Fatalf("libdeflate: %v", err)
			}
		}
		want, werr := wantShrunk(t, data, int(fx), int(fy))
		switch {
		case werr == nil && err != nil:
			t.Fatalf("image/png decodes it, pngShrink fails: %v", err)
		case werr == nil:
			if err := samePixels(got, want); err != nil {
				t.Fatal(err)
			}
		}
	})
}
