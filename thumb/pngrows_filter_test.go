package thumb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// unfilterRef is unfilter byte by byte, as the PNG specification states
// it, for TestUnfilter.
func unfilterRef(ft byte, cur, prev []byte, bpp int) {
	at := func(b []byte, i int) int {
		if i < 0 {
			return 0
		}
		return int(b[i])
	}
	for i := range cur {
		a, b, c := at(cur, i-bpp), int(prev[i]), at(prev, i-bpp)
		var pred int
		switch ft {
		case 1:
			pred = a
		case 2:
			pred = b
		case 3:
			pred = (a + b) / 2
		case 4:
			p := a + b - c
			pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
			switch {
			case pa <= pb && pa <= pc:
				pred = a
			case pb <= pc:
				pred = b
			default:
				pred = c
			}
		}
		cur[i] += byte(pred)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestUnfilter compares unfilter, with its fast paths for 3- and 4-byte
// pixels, with the specification's byte-by-byte rule on rows of random
// bytes, for every filter type and pixel size.
func TestUnfilter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, bpp := range []int{1, 2, 3, 4, 6, 8} {
		for _, n := range []int{0, bpp, 5 * bpp, 64 * bpp} {
			for ft := range byte(5) {
				for range 20 {
					cur, prev := make([]byte, n), make([]byte, n)
					for i := range cur {
						cur[i], prev[i] = byte(r.IntN(256)), byte(r.IntN(256))
					}
					want := bytes.Clone(cur)
					unfilterRef(ft, want, prev, bpp)
					if !unfilter(ft, cur, prev, bpp) {
						t.Fatalf("filter %d refused", ft)
					}
					if !bytes.Equal(cur, want) {
						t.Fatalf("filter %d, %d bytes a pixel, %d bytes: %v, want %v", ft, bpp, n, cur, want)
					}
				}
			}
		}
	}
	if unfilter(5, nil, nil, 1) {
		t.Error("filter type 5 accepted")
	}
}

// BenchmarkUnfilter undoes each filter on rows of 1920 pixels of 3 and 4
// bytes.
func BenchmarkUnfilter(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, bpp := range []int{3, 4} {
		for ft, name := range []string{"none", "sub", "up", "avg", "paeth"} {
			b.Run(fmt.Sprintf("%s/%d", name, bpp), func(b *testing.B) {
				cur, prev := make([]byte, 1920*bpp), make([]byte, 1920*bpp)
				for i := range cur {
					cur[i], prev[i] = byte(r.IntN(256)), byte(r.IntN(256))
				}
				b.SetBytes(int64(len(cur)))
				for b.Loop() {
					unfilter(byte(ft), cur, prev, bpp)
				}
			})
		}
	}
}

// BenchmarkPNGFold folds rows of 1920 pixels into the pre-shrink by 7×7,
// as for the 128 px box of a 1920×1200 image, for RGBA and RGB rows.
func BenchmarkPNGFold(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, ctype := range []int{6, 2} {
		b.Run(fmt.Sprintf("type%d", ctype), func(b *testing.B) {
			p := &pngFile{width: 1920, height: 7, depth: 8, ctype: ctype}
			row := make([]byte, p.rowBytes())
			for i := range row {
				row[i] = byte(r.IntN(256))
			}
			f := newPNGFold(p, 7, 7)
			b.SetBytes(1920 * 4)
			for b.Loop() {
				f.row(row)
				if f.oy == 1 { // one output row made: again
					f.y, f.oy = 0, 0
				}
			}
		})
	}
}
