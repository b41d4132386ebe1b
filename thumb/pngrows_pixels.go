package thumb

import "image"

// pngFold folds unfiltered PNG rows into the box pre-shrink by fx×fy.
//
// Its arithmetic is reduce's on the image image/png would decode: 8-bit
// RGB without tRNS arrives as image.RGBA, and every pixel type that is not
// straight 8-bit RGBA is turned into premultiplied 8-bit RGBA as
// image/draw does (the high byte of the premultiplied 16-bit colour);
// those block sums are rounded means. 8-bit grey+alpha and RGBA, and 8-bit
// (or less) grey and RGB with tRNS, arrive as image.NRGBA, which
// reduceNRGBA premultiplies while summing (straight).
type pngFold struct {
	p        *pngFile
	fx, fy   int
	w        int
	straight bool
	dst      *image.RGBA
	sums32   []uint32 // 4 a pixel of the output row: premultiplied sums
	sums64   []uint64 // 4 a pixel: colour×alpha and alpha sums, when straight
	px       []uint8  // one row as 4-byte pixels, for the rarer pixel types
	premul   [256][4]uint8
	rows, y  int // source rows in the sums, source rows seen
	oy       int // the output row the sums are for
}

// newPNGFold prepares the fold of p's rows into a new RGBA image.
func newPNGFold(p *pngFile, fx, fy int) *pngFold {
	w, h := p.width, p.height
	ow, oh := (w+fx-1)/fx, (h+fy-1)/fy
	f := &pngFold{p: p, fx: fx, fy: fy, w: w, dst: image.NewRGBA(image.Rect(0, 0, ow, oh))}
	f.straight = p.depth == 8 && (p.ctype == 4 || p.ctype == 6) ||
		p.depth <= 8 && p.trns != nil && (p.ctype == 0 || p.ctype == 2)
	if f.straight {
		f.sums64 = make([]uint64, ow*4)
	} else {
		f.sums32 = make([]uint32, ow*4)
	}
	if !(p.depth == 8 && (p.ctype == 6 || p.ctype <= 2 && p.trns == nil)) {
		f.px = make([]uint8, w*4)
	}
	for i, c := range p.palette {
		// color.NRGBA's RGBA, as image/draw reads a palette entry.
		a := uint32(c[3])
		for k := range 3 {
			f.premul[i][k] = uint8(uint32(c[k]) * 0x101 * a / 0xff >> 8)
		}
		f.premul[i][3] = c[3]
	}
	return f
}

// row folds one unfiltered row of samples.
func (f *pngFold) row(b []byte) {
	p := f.p
	switch {
	case p.depth == 8 && p.ctype == 6:
		f.foldStraight(b)
	case p.depth == 8 && p.ctype == 2 && p.trns == nil:
		f.foldRGB(b)
	case p.depth == 8 && p.ctype == 0 && p.trns == nil:
		f.foldGray(b)
	default:
		f.pixels(b)
		if f.straight {
			f.foldStraight(f.px)
		} else {
			f.foldPremul(f.px)
		}
	}
	f.rows++
	f.y++
	if f.rows == f.fy || f.y == f.p.height {
		f.emit()
	}
}

// blockEnd is the end, in pixels, of the block of output column ox.
func (f *pngFold) blockEnd(ox int) int { return min((ox+1)*f.fx, f.w) }

// foldRGB adds a row of 8-bit RGB samples, opaque, to the sums.
func (f *pngFold) foldRGB(row []byte) {
	for ox := range len(f.sums32) / 4 {
		x0, x1 := ox*f.fx, f.blockEnd(ox)
		var sr, sg, sb uint32
		seg := row[x0*3 : x1*3]
		for i := 0; i+2 < len(seg); i += 3 {
			q := seg[i : i+3 : i+3]
			sr += uint32(q[0])
			sg += uint32(q[1])
			sb += uint32(q[2])
		}
		s := f.sums32[ox*4 : ox*4+4 : ox*4+4]
		s[0] += sr
		s[1] += sg
		s[2] += sb
		s[3] += uint32(x1-x0) * 255
	}
}

// foldGray adds a row of 8-bit grey samples, opaque, to the sums.
func (f *pngFold) foldGray(row []byte) {
	for ox := range len(f.sums32) / 4 {
		x0, x1 := ox*f.fx, f.blockEnd(ox)
		var sum uint32
		for _, v := range row[x0:x1] {
			sum += uint32(v)
		}
		s := f.sums32[ox*4 : ox*4+4 : ox*4+4]
		s[0] += sum
		s[1] += sum
		s[2] += sum
		s[3] += uint32(x1-x0) * 255
	}
}

// foldPremul adds a row of premultiplied RGBA pixels to the sums.
func (f *pngFold) foldPremul(row []byte) {
	for ox := range len(f.sums32) / 4 {
		seg := row[ox*f.fx*4 : f.blockEnd(ox)*4]
		var sr, sg, sb, sa uint32
		for i := 0; i+3 < len(seg); i += 4 {
			q := seg[i : i+4 : i+4]
			sr += uint32(q[0])
			sg += uint32(q[1])
			sb += uint32(q[2])
			sa += uint32(q[3])
		}
		s := f.sums32[ox*4 : ox*4+4 : ox*4+4]
		s[0] += sr
		s[1] += sg
		s[2] += sb
		s[3] += sa
	}
}

// foldStraight adds a row of straight-alpha RGBA pixels to the sums,
// premultiplying as reduceNRGBA does.
func (f *pngFold) foldStraight(row []byte) {
	if f.fx <= 1<<16 { // a block's sums fit in 32 bits
		f.foldStraight32(row)
		return
	}
	for ox := range len(f.sums64) / 4 {
		seg := row[ox*f.fx*4 : f.blockEnd(ox)*4]
		var sr, sg, sb, sa uint64
		for i := 0; i+3 < len(seg); i += 4 {
			q := seg[i : i+4 : i+4]
			a := uint64(q[3])
			sr += uint64(q[0]) * a
			sg += uint64(q[1]) * a
			sb += uint64(q[2]) * a
			sa += a
		}
		s := f.sums64[ox*4 : ox*4+4 : ox*4+4]
		s[0] += sr
		s[1] += sg
		s[2] += sb
		s[3] += sa
	}
}

// emit writes the output row of the sums, rounded means, and clears them.
func (f *pngFold) emit() {
	out := f.dst.Pix[f.oy*f.dst.Stride:]
	rows := uint64(f.rows)
	for ox := range f.dst.Rect.Dx() {
		n := rows * uint64(f.blockEnd(ox)-ox*f.fx)
		o := out[ox*4 : ox*4+4 : ox*4+4]
		if f.straight {
			s := f.sums64[ox*4 : ox*4+4 : ox*4+4]
			n255 := n * 255
			o[0] = uint8((s[0] + n255/2) / n255)
			o[1] = uint8((s[1] + n255/2) / n255)
			o[2] = uint8((s[2] + n255/2) / n255)
			o[3] = uint8((s[3] + n/2) / n)
			continue
		}
		s := f.sums32[ox*4 : ox*4+4 : ox*4+4]
		n32 := uint32(n)
		o[0] = uint8((s[0] + n32/2) / n32)
		o[1] = uint8((s[1] + n32/2) / n32)
		o[2] = uint8((s[2] + n32/2) / n32)
		o[3] = uint8((s[3] + n32/2) / n32)
	}
	clear(f.sums32)
	clear(f.sums64)
	f.rows = 0
	f.oy++
}

// foldStraight32 is foldStraight for blocks of at most 2^16 pixels a row,
// whose colour×alpha sums fit in 32 bits.
func (f *pngFold) foldStraight32(row []byte) {
	for ox := range len(f.sums64) / 4 {
		seg := row[ox*f.fx*4 : f.blockEnd(ox)*4]
		var sr, sg, sb, sa uint32
		for i := 0; i+3 < len(seg); i += 4 {
			q := seg[i : i+4 : i+4]
			a := uint32(q[3])
			sr += uint32(q[0]) * a
			sg += uint32(q[1]) * a
			sb += uint32(q[2]) * a
			sa += a
		}
		s := f.sums64[ox*4 : ox*4+4 : ox*4+4]
		s[0] += uint64(sr)
		s[1] += uint64(sg)
		s[2] += uint64(sb)
		s[3] += uint64(sa)
	}
}
