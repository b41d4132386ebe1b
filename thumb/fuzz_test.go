package thumb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMake feeds arbitrary bytes to the header check and the decoders.
// Make must return thumbnails or an error, never panic or hang, and its
// thumbnails must have the sizes Fit promises. The pixel limit is low so
// that a header claiming a huge image cannot make one iteration slow.
func FuzzMake(f *testing.F) {
	formats := filepath.Join("testdata", "formats") // less its reference PNGs
	for _, dir := range []string{samples, filepath.Join("testdata", "bad"), formats} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if dir == formats && strings.HasSuffix(e.Name(), ".png") {
				continue
			}
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	boxes := []Box{{16, 16}, {40, 10}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, pure := range []bool{true, false} {
			set, err := Make(data, Options{Boxes: boxes, MaxPixels: 1 << 20, PureGo: pure})
			if err != nil {
				continue
			}
			for i, b := range boxes {
				w, h := Fit(set.Width, set.Height, b)
				if got := set.Thumbs[i].Rect.Size(); got.X != w || got.Y != h {
					t.Fatalf("box %v: thumbnail %v, Fit says %dx%d for %dx%d", b, got, w, h, set.Width, set.Height)
				}
			}
		}
		readMeta("jpeg", data)
		readMeta("png", data)
		readMeta("webp", data)
		readMeta("tiff", data)
	})
}
