package lcms

import (
	"os"
	"testing"
)

func needLib(t *testing.T) {
	t.Helper()
	if ok, err := Available(); !ok {
		t.Skipf("Little CMS not loaded: %v", err)
	}
}

func readProfile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVersionText(t *testing.T) {
	for v, want := range map[int32]string{2140: "2.14", 2161: "2.16.1", 2080: "2.8"} {
		if got := versionText(v); got != want {
			t.Errorf("versionText(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for f, want := range map[Format]int{Gray8: 1, RGB8: 3, RGBA8: 4, CMYK8: 4} {
		if f.Size() != want {
			t.Errorf("%#x: size %d, want %d", uint32(f), f.Size(), want)
		}
	}
}

// The naive CMYK profile maps no ink to white and full black to black;
// without alpha in the source, the output's alpha bytes are left alone.
func TestCMYK(t *testing.T) {
	needLib(t)
	if Version() == "" {
		t.Fatal("no version")
	}
	x, err := NewTransform(readProfile(t, "naive-cmyk.icc"), CMYK8, RGBA8)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	px := []byte{0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0}
	out := []byte{1, 1, 1, 7, 1, 1, 1, 7, 1, 1, 1, 7}
	x.Do(px, out, 3)
	t.Logf("white %v, black %v, cyan %v", out[:4], out[4:8], out[8:])
	if out[0] < 250 || out[1] < 250 || out[2] < 250 || out[4] > 5 || out[5] > 5 || out[6] > 5 {
		t.Errorf("white and black came out %v", out[:8])
	}
	if out[8] > 10 || out[9] < 245 || out[10] < 245 {
		t.Errorf("cyan came out %v", out[8:])
	}
	if out[3] != 7 || out[7] != 7 || out[11] != 7 {
		t.Errorf("alpha bytes changed: %v", out)
	}
	x.Do(px, px, 3) // in place
	if px[0] < 250 {
		t.Errorf("in place: %v", px)
	}
}

// An RGBA transform copies alpha; an Adobe RGB green is outside sRGB and
// clips; grey stays grey.
func TestRGBA(t *testing.T) {
	needLib(t)
	x, err := NewTransform(readProfile(t, "adobe-rgb.icc"), RGBA8, RGBA8)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	px := []byte{0, 255, 0, 200, 128, 128, 128, 9}
	out := make([]byte, len(px))
	x.Do(px, out, 2)
	t.Logf("%v", out)
	if out[3] != 200 || out[7] != 9 {
		t.Errorf("alpha not copied: %v", out)
	}
	if out[0] != 0 || out[1] != 255 || out[2] > 80 {
		t.Errorf("Adobe RGB green came out %v", out[:3])
	}
	if d := int(out[4]) - int(out[5]); d < -1 || d > 1 || out[4] < 120 || out[4] > 140 {
		t.Errorf("grey came out %v", out[4:7])
	}
}

// A damaged profile, or one of another colour space than the pixels', is
// an error, not a crash.
func TestBadProfile(t *testing.T) {
	needLib(t)
	for name, p := range map[string][]byte{
		"empty":   nil,
		"garbage": []byte("not a profile at all, not even close to one................................................................................................................................"),
	} {
		if _, err := NewTransform(p, RGBA8, RGBA8); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewTransform(readProfile(t, "adobe-rgb.icc"), CMYK8, RGBA8); err == nil {
		t.Error("an RGB profile made a transform of CMYK pixels")
	}
}

// Do refuses buffers shorter than it is told.
func TestDoShort(t *testing.T) {
	needLib(t)
	x, err := NewTransform(readProfile(t, "adobe-rgb.icc"), RGBA8, RGBA8)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	x.Do(make([]byte, 4), make([]byte, 8), 2)
}

// With DisableEnv set the library is not loaded.
func TestDisabled(t *testing.T) {
	if os.Getenv(DisableEnv) != "" {
		if ok, _ := Available(); ok {
			t.Error("loaded although disabled")
		}
	}
}

// BenchmarkNewTransform is the cost of making one transform: what a
// cache of transforms saves per image.
func BenchmarkNewTransform(b *testing.B) {
	if ok, err := Available(); !ok {
		b.Skip(err)
	}
	for _, c := range []struct {
		name    string
		in, out Format
	}{{"naive-cmyk.icc", CMYK8, RGBA8}, {"adobe-rgb.icc", RGBA8, RGBA8}} {
		p, err := os.ReadFile("testdata/" + c.name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				x, err := NewTransform(p, c.in, c.out)
				if err != nil {
					b.Fatal(err)
				}
				x.Close()
			}
		})
	}
}
