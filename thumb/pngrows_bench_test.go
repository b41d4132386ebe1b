package thumb

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// pngPhoto encodes a w×h image of smooth gradients and some noise with
// image/png, in the pixel type of model: RGB, RGBA (alpha varying), grey,
// palette, 16-bit RGB.
func pngPhoto(b *testing.B, w, h int, model string) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var img image.Image
	rect := image.Rect(0, 0, w, h)
	rgba, nrgba, gray, pal, rgb16 := image.NewRGBA(rect), image.NewNRGBA(rect), image.NewGray(rect), image.NewPaletted(rect, palette.WebSafe), image.NewRGBA64(rect)
	for y := range h {
		for x := range w {
			n := uint8(r.IntN(24))
			c := color.NRGBA{uint8(x*255/w) + n, uint8(y*255/h) + n, uint8((x+y)*127/(w+h)) + n, 255}
			switch model {
			case "rgb":
				rgba.SetRGBA(x, y, color.RGBA{c.R, c.G, c.B, 255})
			case "rgba":
				c.A = uint8(x*y*255/(w*h)) + n
				nrgba.SetNRGBA(x, y, c)
			case "gray":
				gray.SetGray(x, y, color.Gray{c.G})
			case "palette":
				pal.SetColorIndex(x, y, uint8(pal.Palette.Index(c)))
			case "rgb16":
				rgb16.SetRGBA64(x, y, color.RGBA64{uint16(c.R) << 8, uint16(c.G)<<8 | uint16(n), uint16(c.B) << 8, 0xffff})
			}
		}
	}
	img = map[string]image.Image{"rgb": rgba, "rgba": nrgba, "gray": gray, "palette": pal, "rgb16": rgb16}[model]
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkPNGDecode is the PNG decode path of Make up to the pre-shrunk
// image (shrinkDecode), for the default boxes, with the default decoders
// (libdeflate inflates when it is installed); its MB/s are of decoded
// pixels at 4 bytes each. "mate" is the PNGs of Debian's mate-backgrounds,
// the PNG half of bench/thumbs/run, when they are installed.
func BenchmarkPNGDecode(b *testing.B) { benchPNGDecodes(b, false) }

// BenchmarkPNGDecodePureGo is BenchmarkPNGDecode with --pure-go: inflated
// by klauspost/compress.
func BenchmarkPNGDecodePureGo(b *testing.B) { benchPNGDecodes(b, true) }

func benchPNGDecodes(b *testing.B, pureGo bool) {
	for _, model := range []string{"rgb", "rgba", "gray", "palette", "rgb16"} {
		b.Run(model, func(b *testing.B) {
			benchPNGDecode(b, [][]byte{pngPhoto(b, 1920, 1200, model)}, pureGo)
		})
	}
	b.Run("mate", func(b *testing.B) {
		paths, _ := filepath.Glob("/usr/share/backgrounds/mate/*/*.png")
		if len(paths) == 0 {
			b.Skip("mate-backgrounds is not installed")
		}
		var files [][]byte
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, data)
		}
		benchPNGDecode(b, files, pureGo)
	})
}

func benchPNGDecode(b *testing.B, files [][]byte, pureGo bool) {
	type item struct {
		data []byte
		src  source
		big  image.Point
	}
	var items []item
	var px int64
	for _, data := range files {
		src, err := sniff(data)
		if err != nil {
			b.Fatal(err)
		}
		w, h := Fit(src.cfg.Width, src.cfg.Height, DefaultBoxes[len(DefaultBoxes)-1])
		items = append(items, item{data, src, image.Pt(w, h)})
		px += int64(src.cfg.Width) * int64(src.cfg.Height)
	}
	b.SetBytes(px * 4)
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		for _, it := range items {
			if _, _, _, err := shrinkDecode(it.data, it.src, it.big, pureGo, &Set{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// On a shared machine the CPU time moves less than the wall time.
	b.ReportMetric((processCPU()-cpu).Seconds()*1e3/float64(b.N), "cpu-ms/op")
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
