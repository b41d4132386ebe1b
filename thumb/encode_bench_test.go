package thumb

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkEncode writes thumbnails of real images in each output format,
// at the sizes fanout makes, and reports the bytes of each file beside
// the time: PNG, JPEG and lossy WebP (libwebp) at quality 85, lossless
// WebP in pure Go.
//
//	go test -run '^$' -bench Encode -benchtime 200x ./thumb
func BenchmarkEncode(b *testing.B) {
	boxes := []Box{{32, 32}, {64, 64}, {128, 128}, {256, 256}}
	type encoder struct {
		name string
		enc  func(*bytes.Buffer, *Set, int) error
	}
	encoders := []encoder{
		{"png", func(w *bytes.Buffer, s *Set, i int) error {
			return Encoder{Format: PNG}.Encode(w, s.Thumbs[i], s.Gray, nil)
		}},
		{"jpeg", func(w *bytes.Buffer, s *Set, i int) error {
			return Encoder{Format: JPEG}.Encode(w, s.Thumbs[i], s.Gray, nil)
		}},
	}
	for name, lossy := range webpEncoders(b) {
		encoders = append(encoders, encoder{"webp-" + name, func(w *bytes.Buffer, s *Set, i int) error {
			file, err := encodeWebP(s.Thumbs[i], DefaultQuality, lossy, nil, "")
			w.Write(file)
			return err
		}})
	}
	for _, src := range []string{"yellow-flower.jpg", "float-into-mate.png"} {
		set, err := Make(readFile(b, filepath.Join(samples, src)), Options{Boxes: boxes})
		if err != nil {
			b.Fatal(err)
		}
		for i, box := range boxes {
			for _, e := range encoders {
				b.Run(fmt.Sprintf("%s/%d/%s", src, box.W, e.name), func(b *testing.B) {
					var buf bytes.Buffer
					for b.Loop() {
						buf.Reset()
						if err := e.enc(&buf, set, i); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(buf.Len()), "bytes/file")
				})
			}
		}
	}
}
