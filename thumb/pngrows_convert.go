package thumb

// pixels turns one unfiltered row of a pixel type other than 8-bit RGB(A)
// into f.px, 4 bytes a pixel: straight RGBA when f.straight (as image/png
// makes image.NRGBA), premultiplied RGBA otherwise (as image/draw turns
// image/png's image into image.RGBA).
func (f *pngFold) pixels(b []byte) {
	p, px := f.p, f.px
	switch {
	case p.ctype == 3:
		for x := range f.w {
			q := f.premul[sample(b, x, p.depth)]
			copy(px[4*x:4*x+4], q[:])
		}
	case p.ctype == 0 && p.depth <= 8:
		scale := [9]uint8{1: 0xff, 2: 0x55, 4: 0x11, 8: 1}[p.depth]
		ty, hasT := uint8(0), p.trns != nil
		if hasT {
			ty = p.trns[1] * scale // wrapping, as image/png computes it
		}
		for x := range f.w {
			v := sample(b, x, p.depth) * scale
			a := uint8(0xff)
			if hasT && v == ty {
				a = 0
			}
			o := px[4*x : 4*x+4 : 4*x+4]
			o[0], o[1], o[2], o[3] = v, v, v, a
		}
	case p.ctype == 2 && p.depth == 8: // with tRNS: straight
		tr, tg, tb := p.trns[1], p.trns[3], p.trns[5]
		for x := range f.w {
			q := b[3*x : 3*x+3 : 3*x+3]
			a := uint8(0xff)
			if q[0] == tr && q[1] == tg && q[2] == tb {
				a = 0
			}
			o := px[4*x : 4*x+4 : 4*x+4]
			o[0], o[1], o[2], o[3] = q[0], q[1], q[2], a
		}
	case p.ctype == 4 && p.depth == 8: // straight
		for x := range f.w {
			g, a := b[2*x], b[2*x+1]
			o := px[4*x : 4*x+4 : 4*x+4]
			o[0], o[1], o[2], o[3] = g, g, g, a
		}
	default:
		f.pixels16(b)
	}
}

// pixels16 is pixels for 16-bit samples: grey, RGB (either with tRNS),
// grey+alpha and RGBA, premultiplied as color.NRGBA64 does.
func (f *pngFold) pixels16(b []byte) {
	p, px := f.p, f.px
	var t [3]uint32
	hasT := p.trns != nil
	if hasT {
		for i := range len(p.trns) / 2 {
			t[i] = uint32(p.trns[2*i])<<8 | uint32(p.trns[2*i+1])
		}
	}
	at := func(i int) uint32 { return uint32(b[i])<<8 | uint32(b[i+1]) }
	for x := range f.w {
		var r, g, bl, a uint32
		switch p.ctype {
		case 0:
			r = at(2 * x)
			g, bl, a = r, r, 0xffff
			if hasT && r == t[0] {
				a = 0
			}
		case 2:
			r, g, bl, a = at(6*x), at(6*x+2), at(6*x+4), 0xffff
			if hasT && r == t[0] && g == t[1] && bl == t[2] {
				a = 0
			}
		case 4:
			r, a = at(4*x), at(4*x+2)
			g, bl = r, r
		case 6:
			r, g, bl, a = at(8*x), at(8*x+2), at(8*x+4), at(8*x+6)
		}
		o := px[4*x : 4*x+4 : 4*x+4]
		o[0] = uint8(r * a / 0xffff >> 8)
		o[1] = uint8(g * a / 0xffff >> 8)
		o[2] = uint8(bl * a / 0xffff >> 8)
		o[3] = uint8(a >> 8)
	}
}

// sample is the x-th sample of depth bits (1, 2, 4 or 8) in row b.
func sample(b []byte, x, depth int) uint8 {
	if depth == 8 {
		return b[x]
	}
	bit := x * depth
	shift := 8 - depth - bit%8
	return b[bit/8] >> shift & (1<<depth - 1)
}
