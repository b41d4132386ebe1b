package thumb

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// samples is the folder of sample images shipped at the repository root.
var samples = filepath.Join("..", "testdata", "images")

// decoders returns the decoder choices to test, as the value of
// Options.PureGo by name: pure Go always, and libjpeg-turbo where it is
// installed.
func decoders(t *testing.T) map[string]bool {
	t.Helper()
	m := map[string]bool{"go": true}
	if ok, err := turbo.Available(); ok {
		m["libjpeg-turbo"] = false
	} else {
		t.Logf("libjpeg-turbo path not tested: %v", err)
	}
	return m
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rgbaAt returns the straight (not premultiplied) colour at x, y.
func rgbaAt(img *image.RGBA, x, y int) color.NRGBA {
	return color.NRGBAModel.Convert(img.RGBAAt(x, y)).(color.NRGBA)
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil || format != "png" {
		t.Fatalf("decode output: %v (format %q)", err, format)
	}
	return img
}
