package thumb

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"

	xtiff "golang.org/x/image/tiff"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// jpegTIFF sets s to decode d, a JPEG-compressed TIFF: each strip or tile
// is a JPEG stream of its own, completed by the tables of JPEGTables when
// it has them (compression 7), decoded by libjpeg-turbo when allowed and
// present, else by Go's image/jpeg, and put in its place. An old-style file (compression 6) is read from the whole JPEG
// stream its JPEGInterchangeFormat tag points to, or else like a new-style
// one; old-style files made of bare tables and scan data are refused.
func jpegTIFF(d *tiffIFD, s *source, comp uint32) error {
	photo := d.value(tagPhotometric, 6)
	spp := d.value(tagSamples, 1)
	switch {
	case photo == 0 || photo == 1:
		if spp != 1 {
			return fmt.Errorf("JPEG-compressed greyscale TIFF of %d samples per pixel: not supported", spp)
		}
		s.cfg.ColorModel = color.GrayModel
	case photo == 2 || photo == 6:
		if spp != 3 {
			return fmt.Errorf("JPEG-compressed colour TIFF of %d samples per pixel: only 3 (no alpha) are supported", spp)
		}
	default:
		return fmt.Errorf("JPEG-compressed TIFF of photometric interpretation %d: not supported", photo)
	}
	if d.value(tagPlanar, 1) != 1 && spp > 1 {
		return errors.New("JPEG-compressed TIFF in separate planes: not supported")
	}
	if b := d.value(tagBits, 8); b != 8 {
		return fmt.Errorf("JPEG-compressed TIFF of %d bits per sample: only 8 are supported", b)
	}
	p, err := tiffPieces(d)
	if comp == 6 {
		if off, ok := d.values(tagOJPEGOffset); ok {
			n := d.value(tagOJPEGLength, 0)
			if int64(off[0]) >= int64(len(d.data)) {
				return errors.New("old-style JPEG TIFF: JPEGInterchangeFormat outside the file")
			}
			if n == 0 || int64(off[0])+int64(n) > int64(len(d.data)) {
				n = uint32(len(d.data)) - off[0]
			}
			p = pieces{offsets: []uint32{off[0]}, counts: []uint32{n}, w: s.cfg.Width, h: s.cfg.Height, across: 1, down: 1}
			err = nil
		}
	}
	if err != nil {
		return err
	}
	w, h := s.cfg.Width, s.cfg.Height
	tables := d.raw(tagJPEGTables)
	s.decode = func(data []byte, useTurbo bool) (image.Image, string, error) {
		var dst draw.Image = image.NewRGBA(image.Rect(0, 0, w, h))
		if photo <= 1 {
			dst = image.NewGray(image.Rect(0, 0, w, h))
		}
		decoder := "go"
		if ok, _ := turbo.Available(); ok && useTurbo {
			decoder = "libjpeg-turbo"
		}
		for i := range p.across * p.down {
			stream, err := p.stream(d.data, i, tables, photo == 2)
			if err != nil {
				return nil, "", err
			}
			img, err := decodePiece(stream, p, decoder)
			if err != nil {
				return nil, "", fmt.Errorf("JPEG data of piece %d: %w", i, err)
			}
			at := image.Pt(i%p.across*p.w, i/p.across*p.h)
			draw.Draw(dst, image.Rectangle{at, at.Add(img.Bounds().Size())}, img, img.Bounds().Min, draw.Src)
		}
		if g, ok := dst.(*image.Gray); ok && photo == 0 { // white is zero
			for i, v := range g.Pix {
				g.Pix[i] = 255 - v
			}
		}
		return dst, decoder, nil
	}
	return nil
}

// decodePiece decodes the JPEG stream of one strip or tile, which must
// not be larger than p's pieces, with the decoder named.
func decodePiece(stream []byte, p pieces, decoder string) (image.Image, error) {
	cfg, _, err := guard("jpeg", func() (image.Config, string, error) {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(stream))
		return cfg, "jpeg", err
	})
	if err != nil {
		return nil, describe(err)
	}
	if cfg.Width > p.w || cfg.Height > p.h {
		return nil, fmt.Errorf("%d×%d, larger than the %d×%d of a piece", cfg.Width, cfg.Height, p.w, p.h)
	}
	if decoder == "libjpeg-turbo" {
		if img, err := turbo.Decode(stream, 1); err == nil {
			return img, nil
		}
		// Let Go's decoder judge.
	}
	img, _, err := guard("jpeg", func() (image.Image, string, error) {
		img, err := jpeg.Decode(bytes.NewReader(stream))
		return img, "jpeg", err
	})
	return img, describe(err)
}

// pieces are the strips or tiles of a TIFF, across×down of w×h pixels
// each, in order.
type pieces struct {
	offsets, counts []uint32
	w, h            int
	across, down    int
}

// tiffPieces reads the layout of d's strips or tiles.
func tiffPieces(d *tiffIFD) (pieces, error) {
	w, h := int(d.value(tagWidth, 0)), int(d.value(tagHeight, 0))
	p := pieces{w: w, h: h}
	var okO, okC bool
	if tw, ok := d.values(tagTileWidth); ok {
		p.w, p.h = int(tw[0]), int(d.value(tagTileLength, 0))
		p.offsets, okO = d.values(tagTileOffsets)
		p.counts, okC = d.values(tagTileCounts)
	} else {
		p.h = int(min(d.value(tagRowsPerStrip, uint32(h)), uint32(h)))
		p.offsets, okO = d.values(tagStripOffsets)
		p.counts, okC = d.values(tagStripCounts)
	}
	if p.w <= 0 || p.h <= 0 || p.w > 1<<24 || p.h > 1<<24 {
		return p, fmt.Errorf("pieces of %d×%d pixels", p.w, p.h)
	}
	p.across, p.down = (w+p.w-1)/p.w, (h+p.h-1)/p.h
	if !okO || !okC || len(p.offsets) < p.across*p.down || len(p.counts) < p.across*p.down {
		return p, fmt.Errorf("%d strip or tile offsets for %d pieces", len(p.offsets), p.across*p.down)
	}
	return p, nil
}

// stream returns piece i as a whole JPEG stream: the piece, with the
// tables (a stream of its own, SOI to EOI) put after its SOI, and with an
// Adobe segment saying its components are RGB, not YCbCr, when rgb is
// set.
func (p pieces) stream(data []byte, i int, tables []byte, rgb bool) ([]byte, error) {
	off, n := int64(p.offsets[i]), int64(p.counts[i])
	if off+n > int64(len(data)) || n < 4 {
		return nil, fmt.Errorf("piece %d (%d bytes at %d) is outside the file", i, n, off)
	}
	piece := data[off : off+n]
	if piece[0] != 0xff || piece[1] != 0xd8 {
		return nil, fmt.Errorf("piece %d is not a JPEG stream (an old-style JPEG TIFF without JPEGInterchangeFormat?): not supported", i)
	}
	out := make([]byte, 0, len(tables)+len(piece)+len(adobeRGB))
	out = append(out, 0xff, 0xd8)
	if rgb {
		out = append(out, adobeRGB...)
	}
	if len(tables) >= 4 && tables[0] == 0xff && tables[1] == 0xd8 {
		t := tables[2:]
		if len(t) >= 2 && t[len(t)-2] == 0xff && t[len(t)-1] == 0xd9 {
			t = t[:len(t)-2]
		}
		out = append(out, t...)
	}
	return append(out, piece[2:]...), nil
}

// adobeRGB is an Adobe APP14 segment of transform 0: three components
// are RGB.
var adobeRGB = adobeCMYK

// decodeCMYKTIFF decodes d, a CMYK TIFF, into opaque RGBA.
func decodeCMYKTIFF(d *tiffIFD) (image.Image, error) {
	img, _, err := guard("tiff", func() (image.Image, string, error) {
		img, err := xtiff.Decode(d.asRGBA())
		return img, "tiff", err
	})
	if err != nil {
		return nil, err
	}
	switch m := img.(type) {
	case *image.NRGBA:
		for i := 0; i+3 < len(m.Pix); i += 4 {
			q := m.Pix[i : i+4 : i+4]
			q[0], q[1], q[2], q[3] = cmykToRGB(q[0], q[1], q[2], q[3])
		}
		return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}, nil
	case *image.NRGBA64:
		out := image.NewRGBA(m.Rect)
		for y := range m.Rect.Dy() {
			src, dst := m.Pix[y*m.Stride:], out.Pix[y*out.Stride:]
			for x := range m.Rect.Dx() {
				q := dst[4*x : 4*x+4 : 4*x+4]
				q[0], q[1], q[2], q[3] = cmykToRGB(src[8*x], src[8*x+2], src[8*x+4], src[8*x+6])
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("CMYK TIFF decoded as %T", img)
}

// cmykToRGB is Pillow's CMYK to RGB conversion, naive: (255-c)·(255-k),
// rounded, for red.
func cmykToRGB(c, m, y, k uint8) (r, g, b, a uint8) {
	nk := 255 - int(k)
	f := func(v uint8) uint8 {
		t := int(v)*nk + 128
		return uint8(nk - ((t>>8)+t)>>8)
	}
	return f(c), f(m), f(y), 255
}

// joined reads parts as one file, for a decoder that wants an
// io.ReaderAt, without copying them.
type joined struct {
	parts [][]byte
	off   int64 // for Read
}

func (j *joined) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for _, part := range j.parts {
		if off >= int64(len(part)) {
			off -= int64(len(part))
			continue
		}
		c := copy(p[n:], part[off:])
		n += c
		off = 0
		if n == len(p) {
			return n, nil
		}
	}
	return n, io.EOF
}

func (j *joined) Read(p []byte) (int, error) {
	n, err := j.ReadAt(p, j.off)
	j.off += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}
