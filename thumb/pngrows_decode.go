package thumb

import (
	"errors"
	"fmt"
	"image"
	"io"
)

// Inflating: github.com/klauspost/compress/flate, a pure-Go inflater
// faster than compress/flate (see pngrows_zlib.go for the measures).

// idatStream presents the data of a run of IDAT chunks as one stream.
type idatStream struct {
	chunks [][]byte // ends at its end or at a nil entry
	cur    []byte
}

func (s *idatStream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if len(s.chunks) == 0 || s.chunks[0] == nil {
			return 0, io.EOF
		}
		s.cur, s.chunks = s.chunks[0], s.chunks[1:]
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}

// pngZlibError names a damaged zlib stream as a damaged PNG; an end of
// data stays one, so that describe calls it a truncated file.
func pngZlibError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", pngFormatError("not enough pixel data"), io.ErrUnexpectedEOF)
	}
	return pngFormatError(err.Error())
}

// pngShrink decodes the non-interlaced PNG data box-reduced by fx×fy,
// exactly as reduce(png.Decode(data), fx, fy) with fx or fy above 1, row
// by row, inflating in pure Go. An interlaced PNG gives errPNGInterlaced
// before any pixel is decoded. With whole, rows are inflated by
// libdeflate first where pngWhole allows it; the pixels are the same.
func pngShrink(data []byte, fx, fy int, whole bool) (*image.RGBA, error) {
	p, err := parsePNG(data)
	if err != nil {
		return nil, err
	}
	if len(p.idat) == 0 || p.idat[0] == nil {
		return nil, pngFormatError("no IDAT chunk")
	}
	if whole && pngWhole(p.width, p.height, p.rowBytes()) {
		if img, ok := pngShrinkWhole(p, fx, fy); ok {
			return img, nil
		}
		// Damaged: the streaming decode below finds the fault and names it.
	}
	z, err := openZlib(p.idat)
	if err != nil {
		return nil, pngZlibError(err)
	}
	defer z.close()
	f := newPNGFold(p, fx, fy)
	n := p.rowBytes() + 1 // and the filter byte
	cur, prev := make([]byte, n), make([]byte, n)
	bpp := p.pixelBytes()
	for range p.height {
		if _, err := io.ReadFull(z, cur); err != nil {
			return nil, pngZlibError(err)
		}
		if !unfilter(cur[0], cur[1:], prev[1:], bpp) {
			return nil, pngFormatError("bad filter type")
		}
		f.row(cur[1:])
		cur, prev = prev, cur
	}
	if err := z.checkEnd(); err != nil {
		return nil, pngZlibError(err)
	}
	return f.dst, nil
}
