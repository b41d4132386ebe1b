package thumb

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"io"
	"sync"

	kzlib "github.com/klauspost/compress/zlib"
)

// Inflating: github.com/klauspost/compress/zlib, a pure-Go inflater about
// twice as fast as compress/zlib on the PNGs of bench/thumbs here
// (176-188 MB/s of output against 75-85 MB/s, the machine loaded alike;
// libdeflate through purego reached 240-580 MB/s, but it inflates only
// into a buffer of the whole output and is not worth a C library on top
// of the rest of the decode). Both check the stream's Adler-32 checksum.

// zlibReaders keeps inflaters for reuse: each holds a 32 KiB window and
// its Huffman tables.
var zlibReaders sync.Pool

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

// inflater returns a zlib reader of the IDAT data, from the pool when it
// can, and the function that gives it back.
func inflater(idat [][]byte) (io.Reader, func(), error) {
	var src io.Reader
	if len(idat) == 1 || len(idat) > 1 && idat[1] == nil {
		src = bytes.NewReader(idat[0]) // read in place, with the inflater's fast path
	} else {
		src = bufio.NewReaderSize(&idatStream{chunks: idat}, 32<<10)
	}
	if z, ok := zlibReaders.Get().(io.ReadCloser); ok {
		if err := z.(kzlib.Resetter).Reset(src, nil); err != nil {
			zlibReaders.Put(z)
			return nil, nil, pngZlibError(err)
		}
		return z, func() { zlibReaders.Put(z) }, nil
	}
	z, err := kzlib.NewReader(src)
	if err != nil {
		return nil, nil, pngZlibError(err)
	}
	return z, func() { zlibReaders.Put(z) }, nil
}

// pngZlibError names a damaged zlib stream as a damaged PNG; an end of
// data stays one, so that describe calls it a truncated file.
func pngZlibError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return pngFormatError("not enough pixel data: " + io.ErrUnexpectedEOF.Error())
	}
	return pngFormatError(err.Error())
}

// pngShrink decodes the non-interlaced PNG data box-reduced by fx×fy,
// exactly as reduce(png.Decode(data), fx, fy) with fx or fy above 1, row
// by row. An interlaced PNG gives errPNGInterlaced before any pixel is
// decoded.
func pngShrink(data []byte, fx, fy int) (*image.RGBA, error) {
	p, err := parsePNG(data)
	if err != nil {
		return nil, err
	}
	if len(p.idat) == 0 || p.idat[0] == nil {
		return nil, pngFormatError("no IDAT chunk")
	}
	z, release, err := inflater(p.idat)
	if err != nil {
		return nil, err
	}
	defer release()
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
	// Read to the end of the stream, which checks its checksum: no pixel
	// data may be left over.
	var one [1]byte
	k := 0
	for i := 0; k == 0 && err == nil; i++ {
		if i == 100 {
			return nil, io.ErrNoProgress
		}
		k, err = z.Read(one[:])
	}
	if err != nil && err != io.EOF {
		return nil, pngFormatError(err.Error())
	}
	if k != 0 {
		return nil, pngFormatError("too much pixel data")
	}
	return f.dst, nil
}
