package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	stdadler32 "hash/adler32"
	"hash/crc32"
	"image"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantShrunk is what pngShrink must give: image/png's decode, reduced.
func wantShrunk(t testing.TB, data []byte, fx, fy int) (*image.RGBA, error) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return reduce(img, fx, fy), nil
}

// samePixels reports the first pixel where a and b differ.
func samePixels(a, b *image.RGBA) error {
	if a.Rect != b.Rect {
		return fmt.Errorf("bounds %v, want %v", a.Rect, b.Rect)
	}
	for y := range a.Rect.Dy() {
		ra := a.Pix[y*a.Stride : y*a.Stride+4*a.Rect.Dx()]
		rb := b.Pix[y*b.Stride : y*b.Stride+4*b.Rect.Dx()]
		if i := mismatch(ra, rb); i >= 0 {
			return fmt.Errorf("pixel (%d, %d) is %v, want %v", i/4, y, ra[i/4*4:i/4*4+4], rb[i/4*4:i/4*4+4])
		}
	}
	return nil
}

func mismatch(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

var shrinkFactors = [][2]int{{2, 2}, {1, 3}, {3, 1}, {4, 5}, {7, 7}, {64, 2}}

// TestPNGShrinkEveryKind compares pngShrink with image/png and reduce on
// every colour type and bit depth, with and without tRNS, at odd sizes
// and several reductions; interlaced files must be left to the full
// decode.
func TestPNGShrinkEveryKind(t *testing.T) {
	for _, k := range allPNGKinds() {
		for i, size := range [][2]int{{37, 23}, {1, 9}, {64, 3}} {
			data := testPNG(k, size[0], size[1], uint64(i))
			name := fmt.Sprintf("type%d-%dbit-trns%v-interlaced%v-%dx%d", k.ctype, k.depth, k.trns, k.interlaced, size[0], size[1])
			for _, f := range shrinkFactors {
				want, err := wantShrunk(t, data, f[0], f[1])
				if err != nil {
					t.Fatalf("%s: image/png: %v", name, err)
				}
				got, err := pngShrink(data, f[0], f[1], false)
				if k.interlaced {
					if !errors.Is(err, errPNGInterlaced) {
						t.Errorf("%s: error %v, want errPNGInterlaced", name, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := samePixels(got, want); err != nil {
					t.Errorf("%s, reduced %v: %v", name, f, err)
				}
			}
		}
	}
}

// testdataPNGs lists the PNG files under the test data folders.
func testdataPNGs(t testing.TB) []string {
	var files []string
	for _, root := range []string{"testdata", samples} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, err := os.ReadFile(path); err == nil && strings.HasPrefix(string(b), pngSig) {
					files = append(files, path)
				}
			}
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("only %d PNG files in the test data", len(files))
	}
	return files
}

// TestPNGShrinkTestdata compares pngShrink with image/png and reduce on
// the PNGs of the test data: where image/png decodes one, pngShrink must
// give the same pixels, and where it fails, pngShrink must fail too.
func TestPNGShrinkTestdata(t *testing.T) {
	for _, path := range testdataPNGs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 50e6 {
			continue // the decompression bomb
		}
		for _, f := range shrinkFactors[:4] {
			want, werr := wantShrunk(t, data, f[0], f[1])
			got, err := pngShrink(data, f[0], f[1], false)
			switch {
			case errors.Is(err, errPNGInterlaced):
			case werr != nil && err == nil:
				t.Errorf("%s: image/png fails (%v), pngShrink does not", path, werr)
			case werr == nil && err != nil:
				t.Errorf("%s: %v (image/png decodes it)", path, err)
			case werr == nil:
				if err := samePixels(got, want); err != nil {
					t.Errorf("%s, reduced %v: %v", path, f, err)
				}
			}
		}
	}
}

// TestPNGShrinkDamaged cuts and corrupts a PNG everywhere: every damaged
// copy must fail with an error, never panic.
func TestPNGShrinkDamaged(t *testing.T) {
	data := testPNG(pngKind{ctype: 6, depth: 8}, 40, 30, 1)
	for n := range len(data) - 1 {
		if _, err := pngShrink(data[:n], 2, 2, false); err == nil {
			t.Fatalf("cut at %d of %d: no error", n, len(data))
		}
	}
	for i := len(pngSig); i < len(data); i += 7 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x5a
		_, err := pngShrink(bad, 2, 2, false)
		if _, werr := png.Decode(bytes.NewReader(bad)); werr != nil && err == nil {
			t.Errorf("byte %d changed: image/png fails (%v), pngShrink does not", i, werr)
		}
	}
}

// TestPNGDecodeBytes checks that the estimate of a non-interlaced PNG no
// longer grows with its pixels, and that an interlaced one's still does.
func TestPNGDecodeBytes(t *testing.T) {
	big := testPNG(pngKind{ctype: 2, depth: 8}, 1200, 1000, 1)
	got := decodeBytes(big, Options{PureGo: true})
	if got <= 0 || got > 2<<20 {
		t.Errorf("1200×1000 PNG: estimate %d bytes, want at most 2 MiB", got)
	}
	if libdeflateAvailable() { // and its rows, inflated whole
		if got := decodeBytes(big, Options{}); got <= 0 || got > 2<<20+1000*3601 {
			t.Errorf("1200×1000 PNG with libdeflate: estimate %d bytes, want at most 2 MiB and its rows", got)
		}
	}
	il := testPNG(pngKind{ctype: 2, depth: 8, interlaced: true}, 1200, 1000, 1)
	if got := decodeBytes(il, Options{}); got != 1200*1000*5 {
		t.Errorf("interlaced 1200×1000 PNG: estimate %d bytes, want %d", got, 1200*1000*5)
	}
}

// TestPNGShrinkHugeHeader: a small file whose header claims 10^10 pixels
// and is not interlaced needs little memory to shrink on load; it fails
// quickly, on its missing pixel data, and a very wide one is refused for
// the memory its rows need.
func TestPNGShrinkHugeHeader(t *testing.T) {
	if got := decodeBytes(tinyPNG(100000, 100000), Options{MaxPixels: -1}); got != 10_000_000_000*5 {
		t.Errorf("interlaced: estimate %d, want %d", got, 10_000_000_000*5)
	}
	flat := testPNG(pngKind{ctype: 6, depth: 8}, 1, 1, 1)
	binary.BigEndian.PutUint32(flat[16:], 100000)
	binary.BigEndian.PutUint32(flat[20:], 100000)
	binary.BigEndian.PutUint32(flat[29:], crc32.ChecksumIEEE(flat[12:29]))
	if got := decodeBytes(flat, Options{MaxPixels: -1}); got > 4<<20 {
		t.Errorf("not interlaced: estimate %d, want at most 4 MiB", got)
	}
	_, err := Make(flat, Options{MaxPixels: -1})
	if err == nil || !strings.Contains(err.Error(), "decode png") {
		t.Errorf("error %v, want a decode error", err)
	}
	binary.BigEndian.PutUint32(flat[16:], 1<<30)
	binary.BigEndian.PutUint32(flat[20:], 1)
	binary.BigEndian.PutUint32(flat[29:], crc32.ChecksumIEEE(flat[12:29]))
	if got := decodeBytes(flat, Options{MaxPixels: -1}); got < 20<<30 {
		t.Errorf("2^30 pixels wide: estimate %d, want at least 20 GiB", got)
	}
}

// TestPNGShrinkWideBlock takes the 64-bit sums of straight alpha, for
// blocks wider than 2^16 pixels.
func TestPNGShrinkWideBlock(t *testing.T) {
	data := testPNG(pngKind{ctype: 6, depth: 8}, 70000, 2, 1)
	want, err := wantShrunk(t, data, 70000, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pngShrink(data, 70000, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := samePixels(got, want); err != nil {
		t.Error(err)
	}
}

// TestAdler32 compares adler32 with hash/adler32 on every length up to a
// few steps past nmax, of bytes all 0xff (the largest sums) and random.
func TestAdler32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, fill := range []func(i int) byte{func(int) byte { return 0xff }, func(int) byte { return byte(r.IntN(256)) }} {
		b := make([]byte, 3*5552+17)
		for i := range b {
			b[i] = fill(i)
		}
		for n := 0; n <= len(b); n += 1 + n/64 {
			if got, want := adler32(1, b[:n]), stdadler32.Checksum(b[:n]); got != want {
				t.Fatalf("%d bytes: %08x, want %08x", n, got, want)
			}
		}
		// In pieces, as rows arrive.
		s := uint32(1)
		for i := 0; i < len(b); i += 1001 {
			s = adler32(s, b[i:min(i+1001, len(b))])
		}
		if want := stdadler32.Checksum(b); s != want {
			t.Fatalf("in pieces: %08x, want %08x", s, want)
		}
	}
}

// TestPNGShrinkDamagedIDAT changes bytes of the compressed data with the
// chunk checksums made right again, so that the inflater and the zlib
// checksum meet the damage: where image/png fails, pngShrink must fail.
func TestPNGShrinkDamagedIDAT(t *testing.T) {
	data := testPNG(pngKind{ctype: 2, depth: 8}, 30, 20, 2)
	for i := len(pngSig); i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if string(data[i+4:i+8]) == "IDAT" {
			for k := 0; k < n; k += 3 {
				bad := bytes.Clone(data)
				bad[i+8+k] ^= 0x24
				binary.BigEndian.PutUint32(bad[i+8+n:], crc32.ChecksumIEEE(bad[i+4:i+8+n]))
				_, err := pngShrink(bad, 2, 2, false)
				if _, werr := png.Decode(bytes.NewReader(bad)); werr != nil && err == nil {
					t.Errorf("IDAT byte %d changed: image/png fails (%v), pngShrink does not", k, werr)
				}
			}
		}
		i += 12 + n
	}
}
