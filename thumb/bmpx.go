package thumb

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"math/bits"
)

// BMPs that golang.org/x/image/bmp refuses although Pillow reads them:
// run-length encoded ones (RLE8, RLE4) and those of 16 or 32 bits per
// pixel with channel masks (BI_BITFIELDS: RGB565, RGB555, ARGB and
// others), or of 16 bits without (RGB555). bmpSource finds them from the
// header; everything else is left to that package.

// BMP compression methods.
const (
	biRGB            = 0
	biRLE8           = 1
	biRLE4           = 2
	biBitfields      = 3
	biAlphaBitfields = 6
)

// bmpHeader is what fanout reads of a BMP's headers.
type bmpHeader struct {
	w, h        int
	topDown     bool
	bpp         int
	compression uint32
	offset      int       // of the pixels
	masks       [4]uint32 // R, G, B, A, for bit fields
	palette     color.Palette
}

// bmpSource classifies a BMP that golang.org/x/image/bmp cannot read; ok
// is false for the others, and for headers that package reads, or names
// the fault of, itself.
func bmpSource(data []byte) (s source, ok bool, err error) {
	le := binary.LittleEndian
	if len(data) < 54 {
		return s, false, nil
	}
	infoLen := le.Uint32(data[14:])
	if infoLen != 40 && infoLen != 52 && infoLen != 56 && infoLen != 108 && infoLen != 124 {
		return s, false, nil
	}
	h := bmpHeader{
		w: int(int32(le.Uint32(data[18:]))), h: int(int32(le.Uint32(data[22:]))),
		bpp: int(le.Uint16(data[28:])), compression: le.Uint32(data[30:]), offset: int(le.Uint32(data[10:])),
	}
	switch c := h.compression; {
	case c == biRLE8 && h.bpp == 8, c == biRLE4 && h.bpp == 4:
	case (c == biBitfields || c == biAlphaBitfields) && (h.bpp == 16 || h.bpp == 32):
		if len(data) < 70 {
			return s, true, io.ErrUnexpectedEOF
		}
		for i := range 3 {
			h.masks[i] = le.Uint32(data[54+4*i:])
		}
		if infoLen >= 56 || c == biAlphaBitfields {
			h.masks[3] = le.Uint32(data[66:])
		}
		if infoLen > 40 && h.bpp == 32 && h.masks == [4]uint32{0xff0000, 0xff00, 0xff, 0xff000000} {
			return s, false, nil // golang.org/x/image/bmp reads these
		}
	case c == biRGB && h.bpp == 16:
		h.masks = [4]uint32{0x7c00, 0x3e0, 0x1f, 0}
	default:
		return s, false, nil
	}
	if h.h < 0 {
		h.h, h.topDown = -h.h, true
	}
	s = source{format: "bmp", cfg: image.Config{Width: h.w, Height: h.h, ColorModel: color.RGBAModel}}
	switch {
	case h.w <= 0 || h.h <= 0 || h.w > 1<<24 || h.h > 1<<24:
		return s, true, fmt.Errorf("image is %d×%d", h.w, h.h)
	case h.topDown && h.bpp <= 8:
		return s, true, fmt.Errorf("a top-down run-length encoded BMP: not valid")
	case h.offset > len(data):
		return s, true, fmt.Errorf("pixel data at %d, beyond the end of the file: %w", h.offset, io.ErrUnexpectedEOF)
	}
	if h.bpp <= 8 {
		start := 14 + int(infoLen)
		n := int(le.Uint32(data[46:]))
		if n == 0 || n > 1<<h.bpp {
			n = 1 << h.bpp
		}
		n = max(min(n, (min(h.offset, len(data))-start)/4), 0)
		h.palette = make(color.Palette, 256)
		for i := range h.palette {
			h.palette[i] = color.RGBA{A: 255}
			if i < n {
				q := data[start+4*i:]
				h.palette[i] = color.RGBA{q[2], q[1], q[0], 255}
			}
		}
		s.cfg.ColorModel = h.palette
		s.decode = h.decodeRLE
	} else {
		if h.masks[3] != 0 {
			s.cfg.ColorModel = color.NRGBAModel
		}
		s.decode = h.decodeBitfields
	}
	return s, true, nil
}

// decodeRLE decodes RLE8 or RLE4 pixels, bottom row first. Pixels the
// data skips (by a delta, or by ending a line or the image early) keep
// palette index 0, as Pillow leaves them.
func (h *bmpHeader) decodeRLE(data []byte, _ bool) (image.Image, string, error) {
	img := image.NewPaletted(image.Rect(0, 0, h.w, h.h), h.palette)
	b := data[h.offset:]
	x, y := 0, 0 // y counts rows from the bottom
	put := func(v uint8) {
		if x < h.w && y < h.h {
			img.Pix[(h.h-1-y)*img.Stride+x] = v
		}
		x++
	}
	nibble := func(v uint8, k int) uint8 {
		if h.bpp == 8 {
			return v
		}
		if k%2 == 0 {
			return v >> 4
		}
		return v & 15
	}
	for i := 0; y < h.h; {
		if i+2 > len(b) {
			return nil, "", fmt.Errorf("run-length data ends at row %d of %d: %w", y, h.h, io.ErrUnexpectedEOF)
		}
		n, v := int(b[i]), b[i+1]
		i += 2
		switch {
		case n > 0: // a run of n pixels
			for k := range n {
				put(nibble(v, k))
			}
		case v == 0: // end of line
			x, y = 0, y+1
		case v == 1: // end of bitmap
			return img, "go", nil
		case v == 2: // delta
			if i+2 > len(b) {
				return nil, "", io.ErrUnexpectedEOF
			}
			x, y = x+int(b[i]), y+int(b[i+1])
			i += 2
		default: // v literal pixels, padded to a whole 16-bit word
			size := int(v)
			if h.bpp == 4 {
				size = (int(v) + 1) / 2
			}
			if i+size > len(b) {
				return nil, "", fmt.Errorf("run-length data ends at row %d of %d: %w", y, h.h, io.ErrUnexpectedEOF)
			}
			for k := range int(v) {
				put(nibble(b[i+k*h.bpp/8], k))
			}
			i += size + size&1
		}
	}
	return img, "go", nil
}

// decodeBitfields decodes 16- or 32-bit pixels through their channel
// masks, each channel scaled to 8 bits.
func (h *bmpHeader) decodeBitfields(data []byte, _ bool) (image.Image, string, error) {
	stride := (h.bpp*h.w + 31) / 32 * 4
	if int64(h.offset)+int64(stride)*int64(h.h) > int64(len(data)) {
		return nil, "", fmt.Errorf("%d rows of %d bytes do not fit in the file: %w", h.h, stride, io.ErrUnexpectedEOF)
	}
	var shift, width [4]int
	for c, m := range h.masks {
		if m != 0 {
			shift[c] = bits.TrailingZeros32(m)
			width[c] = bits.Len32(m >> shift[c])
		}
	}
	scale := func(px uint32, c int) uint8 {
		if width[c] == 0 {
			return 0
		}
		top := uint64(1)<<width[c] - 1
		v := uint64(px&h.masks[c]) >> shift[c]
		return uint8((v*255 + top/2) / top)
	}
	alpha := h.masks[3] != 0
	img := image.NewNRGBA(image.Rect(0, 0, h.w, h.h))
	for y := range h.h {
		row := y
		if !h.topDown {
			row = h.h - 1 - y
		}
		src := data[h.offset+row*stride:]
		dst := img.Pix[y*img.Stride:]
		for x := range h.w {
			var px uint32
			if h.bpp == 16 {
				px = uint32(binary.LittleEndian.Uint16(src[2*x:]))
			} else {
				px = binary.LittleEndian.Uint32(src[4*x:])
			}
			q := dst[4*x : 4*x+4 : 4*x+4]
			q[0], q[1], q[2], q[3] = scale(px, 0), scale(px, 1), scale(px, 2), 255
			if alpha {
				q[3] = scale(px, 3)
			}
		}
	}
	if !alpha {
		return &image.RGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}, "go", nil
	}
	return img, "go", nil
}
