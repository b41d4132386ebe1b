package turbo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Cutting a progressive JPEG down to the scans a 1/8 decode uses must
// give exactly the pixels of the whole file, and fewer bytes to read.
func TestDCScansSamePixels(t *testing.T) {
	need(t)
	tests := []struct {
		file    string
		smaller bool // whether dcScans should cut anything
	}{
		{"testdata/progressive-444.jpg", true},
		{"testdata/progressive-422.jpg", true},
		{"testdata/progressive-420.jpg", true}, // its chroma scans stay
		{"testdata/progressive-grey.jpg", true},
		{filepath.Join(samples, "yellow-flower.jpg"), true},
		{filepath.Join(samples, "ladybird.jpg"), false}, // baseline
		{filepath.Join(samples, "two-wings-grey-jpeg.jpg"), false},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			cut := dcScans(data)
			if got := len(cut) < len(data); got != tt.smaller {
				t.Errorf("cut %d of %d bytes; want smaller: %v", len(cut), len(data), tt.smaller)
			}
			whole, err := decode(data, 8)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := Decode(data, 8)
			if err != nil {
				t.Fatal(err)
			}
			if whole.Rect != fast.Rect || !bytes.Equal(whole.Pix, fast.Pix) {
				t.Errorf("1/8 decode of the cut file differs from the whole file's")
			}
		})
	}
}

// Files dcScans cannot read are passed through untouched.
func TestDCScansLeavesOddFilesAlone(t *testing.T) {
	good, err := os.ReadFile("testdata/progressive-420.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("hello, not a jpeg"),
		"truncated": good[:len(good)/2],
		"no EOI":    good[:len(good)-2],
		"SOI only":  {0xff, 0xd8},
	} {
		if got := dcScans(data); !bytes.Equal(got, data) {
			t.Errorf("%s: changed to %d bytes", name, len(got))
		}
	}
}

func FuzzDCScans(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, p := range append(files, filepath.Join(samples, "yellow-flower.jpg")) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	ok, _ := Available()
	f.Fuzz(func(t *testing.T, data []byte) {
		cut := dcScans(data)
		if len(cut) == len(data) {
			if !bytes.Equal(cut, data) {
				t.Fatal("changed the data without cutting it")
			}
			return
		}
		if len(cut) > len(data) || !bytes.HasPrefix(cut, []byte{0xff, 0xd8}) || !bytes.HasSuffix(cut, []byte{0xff, 0xd9}) {
			t.Fatalf("cut to %d of %d bytes, not a JPEG", len(cut), len(data))
		}
		if !ok {
			return
		}
		whole, err1 := decode(data, 8)
		fast, err2 := decode(cut, 8)
		if err1 == nil && err2 == nil && (whole.Rect != fast.Rect || !bytes.Equal(whole.Pix, fast.Pix)) {
			t.Fatal("1/8 decode of the cut file differs from the whole file's")
		}
	})
}
