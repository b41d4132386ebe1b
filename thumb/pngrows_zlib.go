package thumb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The zlib stream of a PNG's IDAT data, framed here around
// github.com/klauspost/compress/flate: its two-byte header, the deflate
// data, and the Adler-32 checksum of the inflated bytes, which fanout
// computes itself a word at a time (adler32), as the rows arrive.
//
// Measured on the 14 PNGs of Debian's mate-backgrounds (113 MB inflated),
// CPU time of inflating them all on this loaded 2-core machine:
// compress/zlib 280 ms, klauspost/compress/zlib 228 ms, libdeflate 1.14
// loaded through purego 146 ms. libdeflate inflates only whole buffers:
// where it is loaded, pngShrinkWhole uses it, memory for speed
// (pngrows_whole.go); this streaming path is the pure-Go one, and the
// one that judges damaged files.

// Errors of a damaged zlib stream, as compress/zlib names them.
var (
	errZlibHeader   = errors.New("zlib: invalid header")
	errZlibDict     = errors.New("zlib: invalid dictionary")
	errZlibChecksum = errors.New("zlib: invalid checksum")
)

// flateReaders keeps inflaters for reuse: each holds a 32 KiB window and
// its Huffman tables.
var flateReaders sync.Pool

// zlibStream is the inflated data of a zlib stream.
type zlibStream struct {
	src   flate.Reader  // the compressed stream, read byte-exactly by the inflater
	fr    io.ReadCloser // the inflater, from flateReaders
	adler uint32        // the checksum of what Read gave so far
}

// openZlib starts reading the zlib stream of idat, a run of IDAT chunks'
// data (see idatStream).
func openZlib(idat [][]byte) (*zlibStream, error) {
	z := &zlibStream{adler: 1}
	if len(idat) == 1 || len(idat) > 1 && idat[1] == nil {
		z.src = bytes.NewReader(idat[0]) // read in place, the inflater's fast path
	} else {
		z.src = bufio.NewReaderSize(&idatStream{chunks: idat}, 32<<10)
	}
	var h [2]byte
	if _, err := io.ReadFull(z.src, h[:]); err != nil {
		return nil, err
	}
	switch {
	case h[0]&0x0f != 8 || h[0]>>4 > 7 || (uint(h[0])<<8|uint(h[1]))%31 != 0:
		return nil, errZlibHeader
	case h[1]&0x20 != 0: // a preset dictionary, which PNG does not allow
		return nil, errZlibDict
	}
	if fr, ok := flateReaders.Get().(io.ReadCloser); ok {
		if err := fr.(flate.Resetter).Reset(z.src, nil); err != nil {
			return nil, err
		}
		z.fr = fr
	} else {
		z.fr = flate.NewReader(z.src)
	}
	return z, nil
}

// Read inflates into p, adding what it gives to the checksum.
func (z *zlibStream) Read(p []byte) (int, error) {
	n, err := z.fr.Read(p)
	z.adler = adler32(z.adler, p[:n])
	return n, err
}

// checkEnd reads the end of the stream: no more inflated data, then the
// checksum of all of it.
func (z *zlibStream) checkEnd() error {
	var one [1]byte
	n, err := 0, error(nil)
	for i := 0; n == 0 && err == nil; i++ {
		if i == 100 {
			return io.ErrNoProgress
		}
		n, err = z.fr.Read(one[:])
	}
	switch {
	case n != 0:
		return pngFormatError("too much pixel data")
	case err != io.EOF:
		return err
	}
	var sum [4]byte
	if _, err := io.ReadFull(z.src, sum[:]); err != nil {
		return err
	}
	if binary.BigEndian.Uint32(sum[:]) != z.adler {
		return errZlibChecksum
	}
	return nil
}

// close gives the inflater back to the pool, reset to an empty stream
// first so that the pool does not keep the file it read alive.
func (z *zlibStream) close() {
	if z.fr.(flate.Resetter).Reset(strings.NewReader("\x03\x00"), nil) == nil {
		flateReaders.Put(z.fr)
	}
}

// adler32 adds p to the Adler-32 checksum s, 8 bytes a step: the sum of
// the bytes and their sum weighted 8, 7, ... 1 are each three multiplies
// of 16-bit lanes, instead of two chained additions a byte.
func adler32(s uint32, p []byte) uint32 {
	const (
		mod  = 65521
		nmax = 5552 // most bytes before s2 may overflow 32 bits; a multiple of 8
		lane = 0x00ff00ff00ff00ff
		ones = 0x0001000100010001
		even = 8<<48 | 6<<32 | 4<<16 | 2 // weights of bytes 0, 2, 4, 6
		odd  = 7<<48 | 5<<32 | 3<<16 | 1 // of bytes 1, 3, 5, 7
	)
	s1, s2 := s&0xffff, s>>16
	for len(p) > 0 {
		q := p[:min(len(p), nmax)]
		p = p[len(q):]
		for ; len(q) >= 8; q = q[8:] {
			x := binary.LittleEndian.Uint64(q)
			e, o := x&lane, x>>8&lane
			s2 += 8*s1 + uint32(e*even>>48) + uint32(o*odd>>48)
			s1 += uint32((e + o) * ones >> 48)
		}
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s2<<16 | s1
}
