package turbo

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

var samples = filepath.Join("..", "..", "testdata", "images")

func need(t *testing.T) {
	t.Helper()
	if ok, err := Available(); !ok {
		t.Skipf("libjpeg-turbo not installed (apt-get install libturbojpeg0): %v", err)
	}
}

func TestDecodeScaled(t *testing.T) {
	need(t)
	data, err := os.ReadFile(filepath.Join(samples, "ladybird.jpg")) // 640×400
	if err != nil {
		t.Fatal(err)
	}
	h, err := DecodeHeader(data)
	if err != nil || h.Width != 640 || h.Height != 400 || h.Gray {
		t.Fatalf("header %+v, %v; want 640×400 colour", h, err)
	}
	for _, d := range []int{1, 2, 4, 8} {
		img, err := Decode(data, d)
		if err != nil {
			t.Fatalf("1/%d: %v", d, err)
		}
		w, hh := Scaled(640, 400, d)
		if img.Rect.Dx() != w || img.Rect.Dy() != hh {
			t.Errorf("1/%d: %v, want %dx%d", d, img.Rect, w, hh)
		}
		if !img.Opaque() {
			t.Errorf("1/%d: not opaque", d)
		}
	}
	if _, err := Decode(data, 3); err == nil {
		t.Error("scale 1/3 accepted")
	}
}

func TestDecodeBad(t *testing.T) {
	need(t)
	data, err := os.ReadFile(filepath.Join(samples, "two-wings-cmyk.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(data, 2); !errors.Is(err, ErrUnsupported) {
		t.Errorf("CMYK: %v, want ErrUnsupported", err)
	}
	good, _ := os.ReadFile(filepath.Join(samples, "ladybird.jpg"))
	for name, data := range map[string][]byte{"empty": nil, "text": []byte("hello, not a jpeg"), "truncated": good[:len(good)/3]} {
		if img, err := Decode(data, 1); err == nil {
			t.Errorf("%s: decoded %v", name, img.Rect)
		}
	}
}
