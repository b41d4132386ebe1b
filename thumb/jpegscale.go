package thumb

import (
	"errors"
	"image"
)

// fanout's own JPEG decoder for the pure-Go path, made for thumbnails: it
// decodes at 1/2, 1/4 or 1/8 of the size in the DCT domain, as
// libjpeg-turbo's scaled decoding does, so that a 20 MP photo is never a
// 20 MP image in memory. At 1/8 each 8×8 block is its DC coefficient
// alone, and a progressive JPEG's AC scans are skipped unread. It reads
// baseline and progressive Huffman-coded JPEGs with one (grey) or three
// (YCbCr or RGB) components; anything else, and anything it finds
// damaged, is errJPEGScale, and the caller decodes the file with Go's
// image/jpeg instead, which then judges it.

// errJPEGScale is the error of a JPEG this decoder leaves to image/jpeg.
var errJPEGScale = errors.New("thumb: not for the scaled JPEG decoder")

// zigzag maps the position of a coefficient in a JPEG's zigzag order to
// its index row*8+column in the block.
var zigzag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// jcomp is one component of a frame.
type jcomp struct {
	id     byte
	h, v   int // sampling factors
	tq     int // quantisation table
	bw, bh int // blocks across and down, padded to whole MCUs
	// kx, ky are the pixels a block is decoded to: the frame's scale,
	// times the subsampling, so that every plane comes out at the size of
	// the image (the upsampling is done in the inverse DCT, as libjpeg
	// does).
	kx, ky int
	need   [64]bool // the coefficients, by zigzag position, that kx×ky pixels use
	// plane holds the component decoded: kx×ky pixels a block, bw*kx
	// wide.
	plane []byte
	// coef holds, for a progressive JPEG, each block's coefficients in
	// zigzag order (ncoef of them: 1 when only the DC is needed).
	coef    []int16
	ncoef   int
	pred    int32 // DC prediction
	scanned bool  // some scan held this component
	dc      int   // Huffman table of the DC, and of the AC
	ac      int
}

// jdec is one decode.
type jdec struct {
	data        []byte
	w, h        int
	k           int // pixels per block side after scaling: 8/denom
	progressive bool
	adobe       bool // an Adobe APP14 segment was seen
	transform   byte // its colour transform: 0 none (RGB), 1 YCbCr
	comps       []jcomp
	hmax, vmax  int
	mcux, mcuy  int
	quant       [4][64]int32 // natural order
	haveQuant   [4]bool
	huff        [2][4]huffTable // [0] DC, [1] AC
	restart     int
	eobrun      int
	frame       bool
}

// decodeJPEGScaled decodes a JPEG at 1/denom of its size (denom 2, 4 or
// 8; the size rounded up, as libjpeg does) into opaque RGBA.
func decodeJPEGScaled(data []byte, denom int) (img *image.RGBA, err error) {
	if denom != 2 && denom != 4 && denom != 8 {
		return nil, errJPEGScale
	}
	d := &jdec{data: data, k: 8 / denom}
	if err := d.decode(); err != nil {
		return nil, err
	}
	return d.toRGBA(denom), nil
}

// decode walks the segments of the file, decoding each scan.
func (d *jdec) decode() error {
	p := d.data
	if len(p) < 4 || p[0] != 0xff || p[1] != 0xd8 {
		return errJPEGScale
	}
	pos := 2
	for {
		// Find the next marker, skipping fill bytes.
		for pos < len(p) && p[pos] != 0xff {
			pos++
		}
		for pos < len(p) && p[pos] == 0xff {
			pos++
		}
		if pos >= len(p) {
			return errJPEGScale // no EOI: truncated
		}
		m := p[pos]
		pos++
		switch {
		case m == 0xd9: // EOI
			if !d.frame {
				return errJPEGScale
			}
			for _, c := range d.comps {
				if !c.scanned {
					return errJPEGScale
				}
			}
			if d.progressive {
				d.finishProgressive()
			}
			return nil
		case m >= 0xd0 && m <= 0xd7, m == 0x01:
			continue // stray RSTn or TEM: no length
		}
		if pos+2 > len(p) {
			return errJPEGScale
		}
		n := int(p[pos])<<8 | int(p[pos+1])
		if n < 2 || pos+n > len(p) {
			return errJPEGScale
		}
		seg := p[pos+2 : pos+n]
		pos += n
		var err error
		switch m {
		case 0xc0, 0xc1, 0xc2:
			err = d.readFrame(seg, m == 0xc2)
		case 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf:
			err = errJPEGScale // lossless, hierarchical, arithmetic
		case 0xc4:
			err = d.readDHT(seg)
		case 0xdb:
			err = d.readDQT(seg)
		case 0xdd:
			if len(seg) != 2 {
				return errJPEGScale
			}
			d.restart = int(seg[0])<<8 | int(seg[1])
		case 0xee:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe, d.transform = true, seg[11]
			}
		case 0xda:
			pos, err = d.readScan(seg, pos)
		}
		if err != nil {
			return err
		}
	}
}

func (d *jdec) readFrame(seg []byte, progressive bool) error {
	if d.frame || len(seg) < 6 || seg[0] != 8 {
		return errJPEGScale // a second frame, or not 8-bit
	}
	d.frame, d.progressive = true, progressive
	d.h = int(seg[1])<<8 | int(seg[2])
	d.w = int(seg[3])<<8 | int(seg[4])
	nc := int(seg[5])
	if d.w == 0 || d.h == 0 || (nc != 1 && nc != 3) || len(seg) != 6+3*nc {
		return errJPEGScale
	}
	d.comps = make([]jcomp, nc)
	for i := range d.comps {
		c := &d.comps[i]
		c.id, c.h, c.v, c.tq = seg[6+3*i], int(seg[7+3*i]>>4), int(seg[7+3*i]&15), int(seg[8+3*i])
		if c.h < 1 || c.h > 2 || c.v < 1 || c.v > 2 || c.tq > 3 {
			return errJPEGScale
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	if nc == 1 {
		d.comps[0].h, d.comps[0].v, d.hmax, d.vmax = 1, 1, 1, 1 // one component: no MCU of several blocks
	}
	d.mcux = (d.w + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcuy = (d.h + 8*d.vmax - 1) / (8 * d.vmax)
	for i := range d.comps {
		c := &d.comps[i]
		c.bw, c.bh = d.mcux*c.h, d.mcuy*c.v
		c.kx, c.ky = d.k*d.hmax/c.h, d.k*d.vmax/c.v
		for z, n := range zigzag {
			c.need[z] = int(n&7) < c.kx && int(n>>3) < c.ky
		}
		c.plane = make([]byte, c.bw*c.kx*c.bh*c.ky)
		c.ncoef = 64
		if c.kx == 1 && c.ky == 1 {
			c.ncoef = 1
		}
		if progressive {
			c.coef = make([]int16, c.bw*c.bh*c.ncoef)
		}
	}
	return nil
}

func (d *jdec) readDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if tq > 3 || pq > 1 {
			return errJPEGScale
		}
		size := 1 + 64*(1+int(pq))
		if len(seg) < size {
			return errJPEGScale
		}
		for z := range 64 {
			v := int32(seg[1+z])
			if pq == 1 {
				v = int32(seg[1+2*z])<<8 | int32(seg[2+2*z])
			}
			d.quant[tq][zigzag[z]] = v
		}
		d.haveQuant[tq] = true
		seg = seg[size:]
	}
	return nil
}

func (d *jdec) readDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return errJPEGScale
		}
		tc, th := int(seg[0]>>4), int(seg[0]&15)
		if tc > 1 || th > 3 {
			return errJPEGScale
		}
		var counts [16]int
		total := 0
		for i := range 16 {
			counts[i] = int(seg[1+i])
			total += counts[i]
		}
		if total > 256 || len(seg) < 17+total {
			return errJPEGScale
		}
		if err := d.huff[tc][th].build(counts, seg[17:17+total]); err != nil {
			return err
		}
		seg = seg[17+total:]
	}
	return nil
}
