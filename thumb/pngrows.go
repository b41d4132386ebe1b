package thumb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// PNG shrink-on-load.
//
// A non-interlaced PNG is decoded a row at a time: each row is inflated,
// unfiltered and folded straight into the sums of the box pre-shrink
// (reduce), so the full image is never held in memory; only two rows, the
// sums of one output row and the pre-shrunk image are. The result is
// bit-identical to decoding with image/png and reducing with reduce: the
// pixels are converted to 8-bit RGBA exactly as image/png and image/draw
// convert them (pngrows_pixels.go). Interlaced PNGs, whose rows arrive
// in seven passes, take the full decode.

// pngSig is the signature every PNG file starts with.
const pngSig = "\x89PNG\r\n\x1a\n"

// errPNGInterlaced marks an interlaced PNG, which pngShrink leaves to the
// full decode.
var errPNGInterlaced = errors.New("png: interlaced")

// pngFormatError is an error in a PNG's structure, prefixed as image/png
// prefixes its own.
type pngFormatError string

func (e pngFormatError) Error() string { return "png: invalid format: " + string(e) }

// pngFile is what the chunks of a PNG file say about its pixels.
type pngFile struct {
	width, height int
	depth         int // bits per sample: 1, 2, 4, 8 or 16
	ctype         int // colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
	interlaced    bool
	palette       [256][4]uint8 // palette entries as straight RGBA; unused ones opaque black
	paletteN      int           // entries in PLTE
	trns          []byte        // the tRNS chunk's data, nil when none
	idat          [][]byte      // the data of the first run of IDAT chunks
}

// The stages of the chunk sequence, in order, as image/png checks them.
const (
	stStart = iota
	stIHDR
	stPLTE
	stTRNS
	stIDAT
	stIEND
)

// pngChannels is the number of samples a pixel has in each colour type.
var pngChannels = [7]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}

// parsePNG reads the chunks of data up to IEND, checking their order and
// checksums as image/png does, and collects the IDAT data without
// inflating it. An interlaced file is reported with errPNGInterlaced as
// soon as its header is read.
func parsePNG(data []byte) (*pngFile, error) {
	if len(data) < len(pngSig) || string(data[:len(pngSig)]) != pngSig {
		return nil, pngFormatError("not a PNG file")
	}
	p := &pngFile{}
	stage := stStart
	for i := len(pngSig); stage != stIEND; {
		if len(data)-i < 12 {
			return nil, fmt.Errorf("png: %w", io.ErrUnexpectedEOF)
		}
		n := binary.BigEndian.Uint32(data[i:])
		typ := string(data[i+4 : i+8])
		if n > 0x7fffffff || int(n) > len(data)-i-12 {
			if n <= 0x7fffffff {
				return nil, fmt.Errorf("png: %w", io.ErrUnexpectedEOF)
			}
			return nil, pngFormatError(fmt.Sprintf("bad chunk length: %d", n))
		}
		body := data[i+8 : i+8+int(n)]
		if crc32.ChecksumIEEE(data[i+4:i+8+int(n)]) != binary.BigEndian.Uint32(data[i+8+int(n):]) {
			return nil, pngFormatError("invalid checksum")
		}
		i += 12 + int(n)
		var err error
		stage, err = p.chunk(stage, typ, body)
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// chunk takes one chunk at the given stage and returns the next stage.
func (p *pngFile) chunk(stage int, typ string, body []byte) (int, error) {
	order := pngFormatError("chunk out of order")
	switch typ {
	case "IHDR":
		if stage != stStart {
			return 0, order
		}
		return stIHDR, p.header(body)
	case "PLTE":
		if stage != stIHDR {
			return 0, order
		}
		return stPLTE, p.plte(body)
	case "tRNS":
		switch {
		case p.ctype == 3 && stage != stPLTE,
			p.ctype == 2 && stage != stIHDR && stage != stPLTE,
			p.ctype == 0 && stage != stIHDR:
			return 0, order
		case p.ctype == 4 || p.ctype == 6:
			return 0, pngFormatError("tRNS, color type mismatch")
		}
		return stTRNS, p.transparency(body)
	case "IDAT":
		if stage < stIHDR || stage > stIDAT || stage == stIHDR && p.ctype == 3 {
			return 0, order
		}
		if stage == stIDAT && !p.idatRun() {
			return stIDAT, nil // trailing IDAT chunks after others: ignored
		}
		p.idat = append(p.idat, body)
		return stIDAT, nil
	case "IEND":
		if stage != stIDAT {
			return 0, order
		}
		if len(body) != 0 {
			return 0, pngFormatError("bad IEND length")
		}
		return stIEND, nil
	}
	if stage == stIDAT {
		p.idat = append(p.idat, nil) // a nil entry ends the run of IDAT chunks
	}
	return stage, nil
}

// idatRun reports whether the IDAT chunks seen so far are consecutive.
func (p *pngFile) idatRun() bool {
	return len(p.idat) == 0 || p.idat[len(p.idat)-1] != nil
}

// header reads IHDR.
func (p *pngFile) header(b []byte) error {
	if len(b) != 13 {
		return pngFormatError("bad IHDR length")
	}
	if b[10] != 0 || b[11] != 0 {
		return fmt.Errorf("png: unsupported feature: compression or filter method")
	}
	if b[12] > 1 {
		return pngFormatError("invalid interlace method")
	}
	w, h := int32(binary.BigEndian.Uint32(b)), int32(binary.BigEndian.Uint32(b[4:]))
	if w <= 0 || h <= 0 {
		return pngFormatError("non-positive dimension")
	}
	p.width, p.height, p.depth, p.ctype = int(w), int(h), int(b[8]), int(b[9])
	ok := false
	switch p.ctype {
	case 0:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8 || p.depth == 16
	case 3:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8
	case 2, 4, 6:
		ok = p.depth == 8 || p.depth == 16
	}
	if !ok {
		return fmt.Errorf("png: unsupported feature: bit depth %d, color type %d", b[8], b[9])
	}
	for i := range p.palette {
		p.palette[i] = [4]uint8{0, 0, 0, 0xff}
	}
	if b[12] == 1 {
		p.interlaced = true
		return errPNGInterlaced
	}
	return nil
}

// plte reads PLTE, which image/png ignores in truecolour images.
func (p *pngFile) plte(b []byte) error {
	np := len(b) / 3
	if len(b)%3 != 0 || np == 0 || np > 256 || np > 1<<p.depth {
		return pngFormatError("bad PLTE length")
	}
	switch p.ctype {
	case 2, 6:
		return nil
	case 3:
	default:
		return pngFormatError("PLTE, color type mismatch")
	}
	for i := range np {
		p.palette[i] = [4]uint8{b[3*i], b[3*i+1], b[3*i+2], 0xff}
	}
	p.paletteN = np
	return nil
}

// transparency reads tRNS: a grey or RGB value taken as transparent, or
// the alpha of palette entries.
func (p *pngFile) transparency(b []byte) error {
	switch p.ctype {
	case 0:
		if len(b) != 2 {
			return pngFormatError("bad tRNS length")
		}
	case 2:
		if len(b) != 6 {
			return pngFormatError("bad tRNS length")
		}
	case 3:
		if len(b) > 256 {
			return pngFormatError("bad tRNS length")
		}
		for i, a := range b {
			p.palette[i][3] = a
		}
		p.paletteN = max(p.paletteN, len(b))
	}
	p.trns = b
	return nil
}

// rowBytes is the length of one row of samples, without its filter byte.
func (p *pngFile) rowBytes() int {
	return (p.width*pngChannels[p.ctype]*p.depth + 7) / 8
}

// pixelBytes is the distance, in bytes, between a byte and the same byte
// of the pixel on its left, as the filters see it: at least one.
func (p *pngFile) pixelBytes() int {
	return max(pngChannels[p.ctype]*p.depth/8, 1)
}
