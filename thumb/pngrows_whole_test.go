package thumb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/fanout-dev/fanout/internal/libdeflate"
)

func needLibdeflate(t testing.TB) {
	t.Helper()
	if ok, err := libdeflate.Available(); !ok {
		t.Skipf("libdeflate not installed (apt-get install libdeflate0): %v", err)
	}
}

// sameShrink checks that pngShrink gives the same result inflating with
// libdeflate as in pure Go: the same pixels, or the same error.
func sameShrink(data []byte, fx, fy int) error {
	want, werr := pngShrink(data, fx, fy, false)
	got, err := pngShrink(data, fx, fy, true)
	switch {
	case werr != nil || err != nil:
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			return fmt.Errorf("error %v, pure Go %v", err, werr)
		}
		return nil
	}
	return samePixels(got, want)
}

// TestPNGShrinkWholeAgrees compares the decode with libdeflate with the
// pure-Go one: bit-identical pixels on every kind of PNG, on the test
// data and on mate-backgrounds' PNGs when installed, and the same error
// for damaged files.
func TestPNGShrinkWholeAgrees(t *testing.T) {
	needLibdeflate(t)
	for i, k := range allPNGKinds() {
		for j, size := range [][2]int{{37, 23}, {1, 9}, {64, 3}} {
			data := testPNG(k, size[0], size[1], uint64(i*3+j))
			for _, f := range shrinkFactors {
				if err := sameShrink(data, f[0], f[1]); err != nil {
					t.Errorf("kind %+v, %v, reduced %v: %v", k, size, f, err)
				}
			}
		}
	}
	paths := testdataPNGs(t)
	mate, _ := filepath.Glob("/usr/share/backgrounds/mate/*/*.png")
	for _, path := range append(paths, mate...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range shrinkFactors[:4] {
			if err := sameShrink(data, f[0], f[1]); err != nil {
				t.Errorf("%s, reduced %v: %v", path, f, err)
			}
		}
	}
	if len(mate) == 0 {
		t.Log("mate-backgrounds is not installed: its PNGs were not compared")
	}
}

// TestPNGShrinkWholeDamaged cuts a PNG everywhere and changes bytes of
// its compressed data with the chunk checksums made right: the decode
// with libdeflate must fail as the pure-Go one does.
func TestPNGShrinkWholeDamaged(t *testing.T) {
	needLibdeflate(t)
	data := testPNG(pngKind{ctype: 6, depth: 8}, 40, 30, 1)
	for n := range len(data) - 1 {
		if _, err := pngShrink(data[:n], 2, 2, true); err == nil {
			t.Fatalf("cut at %d of %d: no error", n, len(data))
		}
		if err := sameShrink(data[:n], 2, 2); err != nil {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
	}
	for i := len(pngSig); i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if string(data[i+4:i+8]) == "IDAT" {
			for k := range n {
				bad := bytes.Clone(data)
				bad[i+8+k] ^= 0x24
				binary.BigEndian.PutUint32(bad[i+8+n:], crc32.ChecksumIEEE(bad[i+4:i+8+n]))
				if err := sameShrink(bad, 2, 2); err != nil {
					t.Errorf("IDAT byte %d changed: %v", k, err)
				}
			}
		}
		i += 12 + n
	}
}

// TestPNGWholeBound keeps rows beyond pngWholeMax out of the whole
// decode, and their bytes out of the memory estimate.
func TestPNGWholeBound(t *testing.T) {
	if !pngWhole(3840, 2160, 3840*4) || pngWhole(8000, 6000, 8000*4) {
		t.Error("a 4K RGBA image must be inflated whole, a 48 MP one a row at a time")
	}
	small := testPNG(pngKind{ctype: 6, depth: 8}, 300, 200, 1)
	if d := pngDecodeBytes(small, 300, 200, nil, true) - pngDecodeBytes(small, 300, 200, nil, false); d != 200*(300*4+1) {
		t.Errorf("whole decode adds %d bytes to the estimate, want its rows (%d)", d, 200*(300*4+1))
	}
}
