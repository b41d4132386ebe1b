package thumb

import (
	"bytes"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	xwebp "golang.org/x/image/webp"
)

// webpEncoders returns the WebP encoders to test, by name, as the value
// of encodeWebP's lossy: pure Go always, and libwebp where it is
// installed.
func webpEncoders(t testing.TB) map[string]bool {
	m := map[string]bool{"lossless": false}
	if ok, err := WebPLossy(); ok {
		m["libwebp"] = true
	} else {
		t.Logf("libwebp path not tested (apt-get install libwebp7): %v", err)
	}
	return m
}

// WebP thumbnails decode (with golang.org/x/image/webp, and with
// libwebp's dwebp where it is installed) to the thumbnail's size and
// pixels: exactly when lossless, within a small mean error when lossy;
// transparency is kept; the stamp and the ICC profile are found again.
func TestEncodeWebP(t *testing.T) {
	icc := readMeta("jpeg", readFile(t, filepath.Join(samples, "two-wings-icc.jpg"))).icc
	if len(icc) == 0 {
		t.Fatal("no ICC profile in two-wings-icc.jpg")
	}
	dwebp, _ := exec.LookPath("dwebp")
	if dwebp == "" {
		t.Log("dwebp not installed (apt-get install webp): files not checked with libwebp's decoder")
	}
	for enc, lossy := range webpEncoders(t) {
		for _, name := range []string{"ladybird.jpg", "arc-transparent.png"} {
			t.Run(enc+"/"+name, func(t *testing.T) {
				set, err := Make(readFile(t, filepath.Join(samples, name)), Options{Boxes: []Box{{128, 128}}})
				if err != nil {
					t.Fatal(err)
				}
				thumb := set.Thumbs[0]
				const stamp = stampPrefix + "1 test"
				file, err := encodeWebP(thumb, 85, lossy, icc, stamp)
				if err != nil {
					t.Fatal(err)
				}
				got, err := xwebp.Decode(bytes.NewReader(file))
				if err != nil {
					t.Fatalf("x/image/webp: %v", err)
				}
				if got.Bounds().Size() != thumb.Rect.Size() {
					t.Fatalf("decoded %v, want %v", got.Bounds().Size(), thumb.Rect.Size())
				}
				mean, worst := meanDiff(thumb, webpRGBA(got))
				t.Logf("%d bytes; mean difference %.2f, at most %d", len(file), mean, worst)
				switch {
				case !lossy && worst > 1: // unpremultiplied, and premultiplied again
					t.Errorf("lossless: pixels differ by up to %d", worst)
				case lossy:
					var jb bytes.Buffer
					if err := (Encoder{Format: JPEG, Quality: 85}).Encode(&jb, thumb, false, nil); err != nil {
						t.Fatal(err)
					}
					jm, _ := meanDiff(onWhite(thumb), decodeImage(t, jb.Bytes()))
					t.Logf("JPEG of the same quality: %d bytes, mean difference %.2f (on white)", jb.Len(), jm)
					if mean > 1.5*jm+0.5 {
						t.Errorf("lossy: mean difference %.2f, more than 1.5 times JPEG's %.2f", mean, jm)
					}
				}
				if opaque := got.(interface{ Opaque() bool }).Opaque(); opaque != thumb.Opaque() {
					t.Errorf("decoded opaque %v, thumbnail %v", opaque, thumb.Opaque())
				}
				m := readMeta("webp", file)
				if !bytes.Equal(m.icc, icc) {
					t.Errorf("ICC profile of %d bytes read back, want %d", len(m.icc), len(icc))
				}
				path := filepath.Join(t.TempDir(), "t.webp")
				if err := os.WriteFile(path, file, 0o644); err != nil {
					t.Fatal(err)
				}
				if s, err := readStamp(path); err != nil || s != stamp {
					t.Errorf("stamp %q, %v; want %q", s, err, stamp)
				}
				if dwebp != "" {
					if out, err := exec.Command(dwebp, path, "-o", filepath.Join(t.TempDir(), "t.png")).CombinedOutput(); err != nil {
						t.Errorf("dwebp: %v\n%s", err, out)
					}
				}
			})
		}
	}
}

// Encoder writes WebP by Format; ParseFormat and Ext know it.
func TestWebPFormat(t *testing.T) {
	f, err := ParseFormat("webp")
	if err != nil || f != WebP || f.Ext() != "webp" {
		t.Fatalf("ParseFormat(webp) = %q, %v; Ext %q", f, err, f.Ext())
	}
	if err := (Settings{Format: WebP}).Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var buf bytes.Buffer
	if err := (Encoder{Format: WebP}).Encode(&buf, img, true, nil); err != nil {
		t.Fatal(err)
	}
	if cfg, err := xwebp.DecodeConfig(&buf); err != nil || cfg.Width != 20 || cfg.Height != 10 {
		t.Errorf("decoded %+v, %v", cfg, err)
	}
}
