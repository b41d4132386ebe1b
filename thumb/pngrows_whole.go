package thumb

import (
	"image"

	"github.com/fanout-dev/fanout/internal/libdeflate"
)

// Inflating a PNG whole: libdeflate (internal/libdeflate) inflates the
// IDAT data in one call into a buffer of every row, which is then
// unfiltered in place and folded row by row as the streaming decode
// does. It is used when the library is loaded and not --pure-go, for
// images whose rows take at most pngWholeMax bytes: memory for speed,
// within a bound.

// pngWholeMax is the most bytes of inflated rows decoded whole: a 4K
// (3840×2160) RGBA image fits. Larger ones are inflated a row at a time.
const pngWholeMax = 40 << 20

// deflateMaxRatio bounds what a byte of deflate data inflates to (a
// length-258 match costs at least 2 bits): a header that claims more
// rows than its data can hold is not given their memory.
const deflateMaxRatio = 1032

// pngWhole reports whether a w×h PNG with rows of rowBytes (without the
// filter byte) is inflated whole when libdeflate is available.
func pngWhole(w, h, rowBytes int) bool {
	return int64(h)*int64(rowBytes+1) <= pngWholeMax
}

// libdeflateAvailable reports whether libdeflate is loaded.
func libdeflateAvailable() bool {
	ok, _ := libdeflate.Available()
	return ok
}

// pngShrinkWhole is pngShrink's decode with libdeflate. ok is false when
// libdeflate is not available or the data is damaged in any way: the
// streaming decode then says how.
func pngShrinkWhole(p *pngFile, fx, fy int) (img *image.RGBA, ok bool) {
	n := p.rowBytes() + 1
	src := p.idatData()
	if int64(len(src))*deflateMaxRatio < int64(p.height)*int64(n) {
		return nil, false // too little data for the rows: not worth their memory
	}
	raw := getRowBuf(p.height * n)
	defer putRowBuf(raw)
	if libdeflate.ZlibDecompress(raw, src) != nil {
		return nil, false
	}
	f := newPNGFold(p, fx, fy)
	prev := make([]byte, n) // zeros above the first row
	bpp := p.pixelBytes()
	for y := range p.height {
		cur := raw[y*n : y*n+n : y*n+n]
		if !unfilter(cur[0], cur[1:], prev[1:], bpp) {
			return nil, false
		}
		f.row(cur[1:])
		prev = cur
	}
	return f.dst, true
}

// idatData is the data of the first run of IDAT chunks in one slice: the
// chunk's own when there is one, else a copy of them all.
func (p *pngFile) idatData() []byte {
	run := p.idat
	for i, c := range run {
		if c == nil {
			run = run[:i]
			break
		}
	}
	if len(run) == 1 {
		return run[0]
	}
	size := 0
	for _, c := range run {
		size += len(c)
	}
	all := make([]byte, 0, size)
	for _, c := range run {
		all = append(all, c...)
	}
	return all
}
