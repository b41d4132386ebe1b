package thumb

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// The benchmarks of bench_test.go again, on sources tagged with a profile:
// Adobe RGB, which is converted, and sRGB, which takes the fast path. Set
// beside BenchmarkMakeJPEGTurbo and the others, they give the cost of the
// colour management.

// colourProfile is the profile of a corpus file.
func colourProfile(b *testing.B, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", "colour", name))
	if err != nil {
		b.Fatal(err)
	}
	return readMeta("png", data).icc
}

// tagged inserts profile into an encoded JPEG or PNG.
func tagged(data []byte, profile []byte) []byte {
	if bytes.HasPrefix(data, []byte("\xff\xd8")) {
		return append(append(append([]byte(nil), data[:2]...), jpegICC(profile)...), data[2:]...)
	}
	return append(append(append([]byte(nil), data[:33]...), pngICC(profile)...), data[33:]...)
}

func BenchmarkMakeJPEGPureGoAdobeRGB(b *testing.B) {
	benchMake(b, tagged(photo(b, 2560, 1600, "jpeg"), colourProfile(b, "adobe-rgb-cube.png")), Options{PureGo: true})
}

func BenchmarkMakeJPEGTurboAdobeRGB(b *testing.B) {
	if ok, err := turbo.Available(); !ok {
		b.Skip(err)
	}
	benchMake(b, tagged(photo(b, 2560, 1600, "jpeg"), colourProfile(b, "adobe-rgb-cube.png")), Options{})
}

func BenchmarkMakeJPEGTurboSRGB(b *testing.B) {
	if ok, err := turbo.Available(); !ok {
		b.Skip(err)
	}
	benchMake(b, tagged(photo(b, 2560, 1600, "jpeg"), colourProfile(b, "srgb-cube.png")), Options{})
}

func BenchmarkMakePNGAdobeRGB(b *testing.B) {
	benchMake(b, tagged(photo(b, 1920, 1200, "png"), colourProfile(b, "adobe-rgb-cube.png")), Options{})
}

// The colour conversion alone, on the 320×200 pixels that libjpeg-turbo
// decodes a 2560×1600 JPEG to for the default sizes, and the planning
// (reading the profile, building the tables) that each image pays.
func BenchmarkColourConvert(b *testing.B) {
	p, err := parseICC(colourProfile(b, "adobe-rgb-cube.png"))
	if err != nil {
		b.Fatal(err)
	}
	t, _ := newColourTransform(p)
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	b.SetBytes(int64(len(img.Pix)))
	for b.Loop() {
		t.apply(img)
	}
}

func BenchmarkColourPlan(b *testing.B) {
	m := meta{icc: colourProfile(b, "adobe-rgb-cube.png")}
	b.ReportAllocs()
	for b.Loop() {
		if c := planColour(m, false, false); c.t == nil {
			b.Fatal("no transform")
		}
	}
}
