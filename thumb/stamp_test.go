package thumb

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A re-run skips thumbnails made with the same settings, and remakes
// them, though nothing else changed (the same names, the source not
// touched), with another quality, format, size, orientation or colour
// handling; a quality that does not shape the file (PNG's) changes
// nothing. A thumbnail without a stamp, as an older fanout wrote, is
// remade.
func TestRunSettingsStamp(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in", "chart.jpg")
	copyFile(t, filepath.Join(samples, "chart-exif6.jpg"), src)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(src, old, old); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	// One name for every format and size, so that only the stamp tells
	// the settings apart.
	base := Settings{OutDir: out, Template: "{stem}.thumb", Sizes: []Box{{64, 64}}, Format: JPEG, Quality: 85}
	items := planItems(t, base, filepath.Join(dir, "in"))
	ctx := context.Background()
	run := func(s Settings) Done {
		t.Helper()
		d, err := newRun(t, s)(ctx, items[0])
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := run(base); d.Skipped {
		t.Fatal("first run skipped")
	}
	steps := []struct {
		name    string
		change  func(*Settings)
		skipped bool
	}{
		{"same settings", func(*Settings) {}, true},
		{"quality 60", func(s *Settings) { s.Quality = 60 }, false},
		{"quality 60 again", func(s *Settings) { s.Quality = 60 }, true},
		{"format png", func(s *Settings) { s.Format = PNG }, false},
		{"png, quality 30: PNG has none", func(s *Settings) { s.Format, s.Quality = PNG, 30 }, true},
		{"format webp", func(s *Settings) { s.Format = WebP }, false},
		{"size 32", func(s *Settings) { s.Format, s.Sizes = WebP, []Box{{32, 32}} }, false},
		{"size 32 again", func(s *Settings) { s.Format, s.Sizes = WebP, []Box{{32, 32}} }, true},
		{"no-rotate", func(s *Settings) { s.Format, s.Sizes, s.NoRotate = WebP, []Box{{32, 32}}, true }, false},
		{"keep-profile", func(s *Settings) { s.Format, s.Sizes, s.NoRotate, s.KeepProfile = WebP, []Box{{32, 32}}, true, true }, false},
		{"back to the first", func(*Settings) {}, false},
		{"memory and max pixels do not count", func(s *Settings) { s.MemoryMiB, s.MaxPixels = 512, 1<<30 }, true},
	}
	for _, st := range steps {
		s := base
		st.change(&s)
		before, _ := os.ReadFile(items[0].Outs[0])
		d := run(s)
		after, _ := os.ReadFile(items[0].Outs[0])
		if d.Skipped != st.skipped {
			t.Errorf("%s: skipped %v, want %v", st.name, d.Skipped, st.skipped)
		}
		if changed := !bytes.Equal(before, after); changed == st.skipped {
			t.Errorf("%s: file changed %v, want %v", st.name, changed, !st.skipped)
		}
	}

	// A thumbnail of an older fanout: newer than the source, no stamp.
	var buf bytes.Buffer
	if err := (Encoder{Format: JPEG, Quality: 85}).Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 40)), false, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(items[0].Outs[0], buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := run(base); d.Skipped {
		t.Error("a thumbnail without a stamp was taken for up to date")
	}
	if d := run(base); !d.Skipped {
		t.Error("not skipped once remade")
	}
	assertNoTemp(t, out)
}

// Every output format carries its stamp before its pixel data, beside an
// ICC profile, and decodes as before.
func TestStampInEveryFormat(t *testing.T) {
	set, err := Make(readFile(t, filepath.Join(samples, "two-wings-icc.jpg")), Options{Boxes: []Box{{48, 48}}, KeepProfile: true})
	if err != nil || len(set.ICC) == 0 {
		t.Fatalf("%v; profile of %d bytes", err, len(set.ICC))
	}
	stamp := Settings{}.stamp(Box{48, 48}, false)
	for _, f := range []Format{PNG, JPEG, WebP} {
		var buf bytes.Buffer
		if err := (Encoder{Format: f, Stamp: stamp}).Encode(&buf, set.Thumbs[0], false, set.ICC); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "t."+f.Ext())
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := readStamp(path); err != nil || got != stamp {
			t.Errorf("%s: stamp %q, %v; want %q", f, got, err, stamp)
		}
		src, err := sniff(buf.Bytes())
		if err != nil || src.cfg.Width != set.Thumbs[0].Rect.Dx() {
			t.Errorf("%s: header %+v, %v", f, src.cfg, err)
		}
		if _, _, err := src.decodeFull(buf.Bytes(), false); err != nil {
			t.Errorf("%s: decode: %v", f, err)
		}
		if m := readMeta(string(f), buf.Bytes()); !bytes.Equal(m.icc, set.ICC) {
			t.Errorf("%s: ICC profile of %d bytes read back, want %d", f, len(m.icc), len(set.ICC))
		}
	}
	if s := (Settings{Format: JPEG}).stamp(Box{48, 48}, false); s == stamp {
		t.Error("PNG and JPEG stamps are the same")
	}
}

// FuzzStampIn feeds arbitrary files to the stamp reader: it returns a
// stamp or "", never panics, and reads a bounded number of segments.
func FuzzStampIn(f *testing.F) {
	stamp := Settings{}.stamp(Box{8, 8}, false)
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for _, format := range []Format{PNG, JPEG, WebP} {
		var buf bytes.Buffer
		if err := (Encoder{Format: format, Stamp: stamp}).Encode(&buf, img, false, nil); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := stampIn(bytes.NewReader(data))
		if err != nil || (s != "" && !bytes.Contains(data, []byte(s))) {
			t.Fatalf("stamp %q, %v", s, err)
		}
	})
}
