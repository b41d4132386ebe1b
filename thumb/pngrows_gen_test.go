package thumb

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
)

// pngKind is one PNG pixel format for testPNG to write.
type pngKind struct {
	ctype, depth int
	trns         bool // a tRNS chunk: a transparent value, or palette alphas
	interlaced   bool
}

// adam7 is the Adam7 passes: x and y offset, x and y step.
var adam7 = [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

// testPNG writes a w×h PNG of kind k with random samples, a random filter
// on each row and its IDAT data split into chunks of at most 97 bytes, so
// that every path of a decoder is taken. Samples often take the value
// that tRNS makes transparent.
func testPNG(k pngKind, w, h int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(k.ctype*100+k.depth)))
	ch := pngChannels[k.ctype]
	maxv := 1<<k.depth - 1
	npal := 0
	if k.ctype == 3 {
		npal = 1 + r.IntN(1<<k.depth)
		maxv = npal - 1
		if r.IntN(4) == 0 { // an index past PLTE: image/png makes it opaque black
			maxv = 1<<k.depth - 1
		}
	}
	trns := make([]int, ch)
	for i := range trns {
		trns[i] = r.IntN(maxv + 1)
	}
	samples := make([]int, w*h*ch)
	for i := range w * h {
		same := k.trns && r.IntN(3) == 0
		for c := range ch {
			if same {
				samples[i*ch+c] = trns[c]
			} else {
				samples[i*ch+c] = r.IntN(maxv + 1)
			}
		}
	}
	var raw bytes.Buffer
	if k.interlaced {
		for _, p := range adam7 {
			pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
			if pw <= 0 || ph <= 0 {
				continue
			}
			writeRows(&raw, r, k, ch, pw, ph, func(x, y, c int) int {
				return samples[((p[1]+y*p[3])*w+p[0]+x*p[2])*ch+c]
			})
		}
	} else {
		writeRows(&raw, r, k, ch, w, h, func(x, y, c int) int { return samples[(y*w+x)*ch+c] })
	}

	var out bytes.Buffer
	out.WriteString(pngSig)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(k.depth), byte(k.ctype)
	if k.interlaced {
		ihdr[12] = 1
	}
	writeChunk(&out, "IHDR", ihdr)
	if k.ctype == 3 {
		pal := make([]byte, 3*npal)
		for i := range pal {
			pal[i] = byte(r.IntN(256))
		}
		writeChunk(&out, "PLTE", pal)
	}
	if k.trns {
		var t []byte
		if k.ctype == 3 {
			t = make([]byte, 1+r.IntN(npal))
			for i := range t {
				t[i] = []byte{0, 255, byte(r.IntN(256))}[r.IntN(3)]
			}
		} else {
			for _, v := range trns {
				t = append(t, byte(v>>8), byte(v))
			}
		}
		writeChunk(&out, "tRNS", t)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	for b := z.Bytes(); len(b) > 0; {
		n := min(len(b), 97)
		writeChunk(&out, "IDAT", b[:n])
		b = b[n:]
	}
	writeChunk(&out, "IEND", nil)
	return out.Bytes()
}

// writeRows packs, filters and writes w×h pixels of samples given by at.
func writeRows(out *bytes.Buffer, r *rand.Rand, k pngKind, ch, w, h int, at func(x, y, c int) int) {
	n := (w*ch*k.depth + 7) / 8
	bpp := max(ch*k.depth/8, 1)
	prev := make([]byte, n)
	for y := range h {
		row := make([]byte, n)
		for x := range w {
			for c := range ch {
				v, i := at(x, y, c), x*ch+c
				switch k.depth {
				case 16:
					row[2*i], row[2*i+1] = byte(v>>8), byte(v)
				case 8:
					row[i] = byte(v)
				default:
					bit := i * k.depth
					row[bit/8] |= byte(v) << (8 - k.depth - bit%8)
				}
			}
		}
		ft := byte(r.IntN(5))
		out.WriteByte(ft)
		for i := range row {
			var a, b, c int
			if i >= bpp {
				a, c = int(row[i-bpp]), int(prev[i-bpp])
			}
			b = int(prev[i])
			pred := 0
			switch ft {
			case 1:
				pred = a
			case 2:
				pred = b
			case 3:
				pred = (a + b) / 2
			case 4:
				p := a + b - c
				pa, pb, pc := absInt(p-a), absInt(p-b), absInt(p-c)
				switch {
				case pa <= pb && pa <= pc:
					pred = a
				case pb <= pc:
					pred = b
				default:
					pred = c
				}
			}
			out.WriteByte(row[i] - byte(pred))
		}
		prev = row
	}
}

// writeChunk writes one PNG chunk with its checksum.
func writeChunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(append([]byte(typ), data...)))
	out.Write(n[:])
}

// allPNGKinds is every colour type and bit depth PNG has, with and
// without tRNS where the type allows one, plain and interlaced.
func allPNGKinds() []pngKind {
	depths := map[int][]int{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
	var ks []pngKind
	for _, ct := range []int{0, 2, 3, 4, 6} {
		for _, d := range depths[ct] {
			for _, il := range []bool{false, true} {
				ks = append(ks, pngKind{ct, d, false, il})
				if ct <= 3 {
					ks = append(ks, pngKind{ct, d, true, il})
				}
			}
		}
	}
	return ks
}

// absInt is |x|, without a branch.
func absInt(x int) int {
	m := x >> 63
	return (x ^ m) - m
}
