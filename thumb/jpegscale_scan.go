package thumb

// readScan decodes the scan whose header is seg and whose entropy-coded
// data starts at pos, and returns where the next marker is.
func (d *jdec) readScan(seg []byte, pos int) (int, error) {
	if !d.frame || len(seg) < 1 {
		return 0, errJPEGScale
	}
	ns := int(seg[0])
	if ns < 1 || ns > len(d.comps) || len(seg) != 1+2*ns+3 {
		return 0, errJPEGScale
	}
	sc := make([]*jcomp, ns)
	for i := range ns {
		id, tables := seg[1+2*i], seg[2+2*i]
		for j := range d.comps {
			if d.comps[j].id == id {
				sc[i] = &d.comps[j]
			}
		}
		if sc[i] == nil || tables>>4 > 3 || tables&15 > 3 {
			return 0, errJPEGScale
		}
		sc[i].dc, sc[i].ac = int(tables>>4), int(tables&15)
	}
	ss, se := int(seg[1+2*ns]), int(seg[2+2*ns])
	ah, al := uint(seg[3+2*ns]>>4), uint(seg[3+2*ns]&15)
	if !d.progressive {
		if ss != 0 || se != 63 || ah != 0 || al != 0 {
			return 0, errJPEGScale
		}
	} else if (ss == 0) != (se == 0) || se > 63 || ss > se || (ss > 0 && ns != 1) || al > 13 {
		return 0, errJPEGScale
	}
	if d.progressive && ss > 0 && sc[0].ncoef == 1 {
		// An AC band of a component decoded to its DC alone: skipped
		// unread. (A band of a component that uses some AC coefficients
		// is read even where it uses none of them: a later refinement
		// of a wider band needs to know which are non-zero.)
		return nextMarker(d.data, pos), nil
	}
	for _, c := range sc {
		if !d.haveQuant[c.tq] ||
			(ss == 0 && ah == 0 && !d.huff[0][c.dc].ok) ||
			((!d.progressive || ss > 0) && !d.huff[1][c.ac].ok) {
			return 0, errJPEGScale
		}
	}
	b := &jbits{data: d.data, pos: pos}
	for _, c := range sc {
		c.pred, c.scanned = 0, true
	}
	d.eobrun = 0
	block := func(c *jcomp, bx, by int) bool {
		switch {
		case !d.progressive:
			return d.baselineBlock(b, c, bx, by)
		case ss == 0:
			return d.dcBlock(b, c, bx, by, ah, al)
		case ah == 0:
			return d.acFirst(b, c, bx, by, ss, se, al)
		}
		return d.acRefine(b, c, bx, by, ss, se, al)
	}
	// The MCUs: several blocks of each component when interleaved, one
	// block of the one component otherwise, in its own grid.
	var total, across int
	if ns > 1 {
		across, total = d.mcux, d.mcux*d.mcuy
	} else {
		c := sc[0]
		across = ((d.w*c.h+d.hmax-1)/d.hmax + 7) / 8
		down := ((d.h*c.v+d.vmax-1)/d.vmax + 7) / 8
		total = across * down
	}
	rst := 0
	for m := range total {
		if d.restart > 0 && m > 0 && m%d.restart == 0 {
			if !b.reset(rst) {
				return 0, errJPEGScale
			}
			rst = (rst + 1) & 7
			for _, c := range sc {
				c.pred = 0
			}
			d.eobrun = 0
		}
		mx, my := m%across, m/across
		if ns == 1 {
			if !block(sc[0], mx, my) {
				return 0, errJPEGScale
			}
		} else {
			for _, c := range sc {
				for by := range c.v {
					for bx := range c.h {
						if !block(c, mx*c.h+bx, my*c.v+by) {
							return 0, errJPEGScale
						}
					}
				}
			}
		}
		if b.overrun() > 64 {
			return 0, errJPEGScale // the data ended long before the scan
		}
	}
	return nextMarker(d.data, b.pos), nil
}

// nextMarker returns the position of the first marker at or after pos
// that is neither a stuffed 0xff nor a restart marker.
func nextMarker(p []byte, pos int) int {
	for pos+1 < len(p) {
		if p[pos] == 0xff && p[pos+1] != 0 && (p[pos+1] < 0xd0 || p[pos+1] > 0xd7) && p[pos+1] != 0xff {
			return pos
		}
		pos++
	}
	return len(p)
}

// baselineBlock decodes one block of a baseline scan and puts it, scaled,
// in its component's plane.
func (d *jdec) baselineBlock(b *jbits, c *jcomp, bx, by int) bool {
	s, ok := b.decode(&d.huff[0][c.dc])
	if !ok || s > 11 {
		return false
	}
	c.pred += b.receive(uint(s))
	q := &d.quant[c.tq]
	var blk [64]int32
	blk[0] = c.pred * q[0]
	at, nd := &d.huff[1][c.ac], &c.need
	for z := 1; z < 64; {
		if b.n < lutBits {
			b.fill()
		}
		if f := at.fastAC[b.acc>>(64-lutBits)]; f != 0 {
			// A short code and its magnitude in one look-up.
			used := uint(f & 15)
			b.acc <<= used
			b.n -= used
			z += int(f>>4) & 15
			if z > 63 {
				return false
			}
			if nd[z] {
				n := zigzag[z]
				blk[n] = (f >> 8) * q[n]
			}
			z++
			continue
		}
		rs, ok := b.decode(at)
		if !ok {
			return false
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				break // end of block
			}
			z += 16
			continue
		}
		z += r
		if z > 63 {
			return false
		}
		if nd[z] {
			n := zigzag[z]
			blk[n] = b.receive(s) * q[n]
		} else {
			b.get(s)
		}
		z++
	}
	d.idct(c, &blk, bx, by)
	return true
}

// coefOf returns the stored coefficients of block (bx, by) of c.
func (d *jdec) coefOf(c *jcomp, bx, by int) []int16 {
	i := (by*c.bw + bx) * c.ncoef
	return c.coef[i : i+c.ncoef]
}

// dcBlock reads the DC coefficient of one block in a progressive DC scan:
// its first bits, or one more bit of it.
func (d *jdec) dcBlock(b *jbits, c *jcomp, bx, by int, ah, al uint) bool {
	coef := d.coefOf(c, bx, by)
	if ah != 0 {
		if b.get(1) != 0 {
			coef[0] |= 1 << al
		}
		return true
	}
	s, ok := b.decode(&d.huff[0][c.dc])
	if !ok || s > 11 {
		return false
	}
	c.pred += b.receive(uint(s))
	coef[0] = int16(c.pred << al)
	return true
}

// acFirst reads band [ss, se] of one block in a first AC scan.
func (d *jdec) acFirst(b *jbits, c *jcomp, bx, by, ss, se int, al uint) bool {
	if d.eobrun > 0 {
		d.eobrun--
		return true
	}
	coef := d.coefOf(c, bx, by)
	at := &d.huff[1][c.ac]
	for z := ss; z <= se; {
		rs, ok := b.decode(at)
		if !ok {
			return false
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r < 15 {
				d.eobrun = 1<<r - 1
				if r > 0 {
					d.eobrun += int(b.get(uint(r)))
				}
				break
			}
			z += 16
			continue
		}
		z += r
		if z > se {
			return false
		}
		coef[z] = int16(b.receive(s) << al)
		z++
	}
	return true
}

// acRefine reads one more bit of every coefficient of band [ss, se] of
// one block that is already non-zero, and the coefficients that become
// non-zero with this bit (JPEG's G.1.2.3).
func (d *jdec) acRefine(b *jbits, c *jcomp, bx, by, ss, se int, al uint) bool {
	coef := d.coefOf(c, bx, by)
	p1, m1 := int16(1)<<al, int16(-1)<<al
	refine := func(z int) {
		if b.get(1) != 0 && coef[z]&p1 == 0 {
			if coef[z] >= 0 {
				coef[z] += p1
			} else {
				coef[z] += m1
			}
		}
	}
	z := ss
	if d.eobrun == 0 {
		at := &d.huff[1][c.ac]
		for ; z <= se; z++ {
			rs, ok := b.decode(at)
			if !ok {
				return false
			}
			r, s := int(rs>>4), int(rs&15)
			var val int16
			if s != 0 {
				if s != 1 {
					return false
				}
				val = m1
				if b.get(1) != 0 {
					val = p1
				}
			} else if r != 15 {
				d.eobrun = 1 << r
				if r > 0 {
					d.eobrun += int(b.get(uint(r)))
				}
				break
			}
			// Skip r coefficients still zero, refining the others, and
			// stop at the next zero one.
			for ; z <= se; z++ {
				if coef[z] != 0 {
					refine(z)
				} else {
					if r == 0 {
						break
					}
					r--
				}
			}
			if val != 0 {
				if z > se {
					return false
				}
				coef[z] = val
			}
		}
	}
	if d.eobrun > 0 {
		for ; z <= se; z++ {
			if coef[z] != 0 {
				refine(z)
			}
		}
		d.eobrun--
	}
	return true
}

// finishProgressive turns the coefficients of a progressive JPEG into
// its scaled planes.
func (d *jdec) finishProgressive() {
	for i := range d.comps {
		c := &d.comps[i]
		q := &d.quant[c.tq]
		nd := &c.need
		for by := range c.bh {
			for bx := range c.bw {
				coef := d.coefOf(c, bx, by)
				var blk [64]int32
				for z, v := range coef {
					if nd[z] {
						n := zigzag[z]
						blk[n] = int32(v) * q[n]
					}
				}
				d.idct(c, &blk, bx, by)
			}
		}
	}
}
