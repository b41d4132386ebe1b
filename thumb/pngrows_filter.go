package thumb

import "encoding/binary"

// unfilter undoes the PNG filter of type ft on row cur in place, given
// the previous row prev (all zeros for the first) and bpp, the bytes per
// pixel (at least 1). It reports false for an unknown filter type.
func unfilter(ft byte, cur, prev []byte, bpp int) bool {
	prev = prev[:len(cur)]
	switch ft {
	case 0:
	case 1: // sub: plus the byte on the left
		switch bpp {
		case 3:
			sub3(cur)
			return true
		case 4:
			sub4(cur)
			return true
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // up: plus the byte above
		up(cur, prev)
	case 3: // average of left and above
		switch bpp {
		case 3:
			avg3(cur, prev)
			return true
		case 4:
			avg4(cur, prev)
			return true
		}
		for i := range min(bpp, len(cur)) {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4:
		switch bpp {
		case 3:
			paeth3(cur, prev)
		case 4:
			paeth4(cur, prev)
		default:
			paeth(cur, prev, bpp)
		}
	default:
		return false
	}
	return true
}

// paeth undoes the Paeth filter: each byte plus whichever of left (a),
// above (b) and upper left (c) is nearest to a+b-c, ties going in that
// order. The first pixel has no left or upper left (zeros): its
// predictor is the byte above.
func paeth(cur, prev []byte, bpp int) {
	n := min(bpp, len(cur))
	for i := range n {
		cur[i] += prev[i]
	}
	if bpp > len(cur) {
		return
	}
	left, upLeft := cur[:len(cur)-bpp], prev[:len(cur)-bpp]
	cur, prev = cur[bpp:], prev[bpp:len(cur)]
	for i := range cur {
		cur[i] += paethPred(int(left[i]), int(prev[i]), int(upLeft[i]))
	}
}

// paethPred is the Paeth predictor of a byte from its left (a), above (b)
// and upper left (c) neighbours: a unless another is strictly nearer to
// a+b-c, then b unless c is nearer.
func paethPred(a, b, c int) uint8 {
	pa, pb, pc := b-c, a-c, a+b-2*c
	pa, pb, pc = pa*pa, pb*pb, pc*pc // squares order as absolute values do
	if pb < pa {
		a, pa = b, pb
	}
	if pc < pa {
		a = c
	}
	return uint8(a)
}

// paeth3 is paeth for 3-byte pixels, the left and upper-left pixels kept
// in registers.
func paeth3(cur, prev []byte) {
	var a0, a1, a2, c0, c1, c2 int
	for i := 0; i+3 <= len(cur) && i+3 <= len(prev); i += 3 {
		p, q := cur[i:i+3:i+3], prev[i:i+3:i+3]
		b0, b1, b2 := int(q[0]), int(q[1]), int(q[2])
		a0 = int(p[0] + paethPred(a0, b0, c0))
		a1 = int(p[1] + paethPred(a1, b1, c1))
		a2 = int(p[2] + paethPred(a2, b2, c2))
		p[0], p[1], p[2] = uint8(a0), uint8(a1), uint8(a2)
		c0, c1, c2 = b0, b1, b2
	}
}

// paeth4 is paeth for 4-byte pixels, the left and upper-left pixels kept
// in registers.
func paeth4(cur, prev []byte) {
	var a0, a1, a2, a3, c0, c1, c2, c3 int
	for i := 0; i+4 <= len(cur) && i+4 <= len(prev); i += 4 {
		p, q := cur[i:i+4:i+4], prev[i:i+4:i+4]
		b0, b1, b2, b3 := int(q[0]), int(q[1]), int(q[2]), int(q[3])
		a0 = int(p[0] + paethPred(a0, b0, c0))
		a1 = int(p[1] + paethPred(a1, b1, c1))
		a2 = int(p[2] + paethPred(a2, b2, c2))
		a3 = int(p[3] + paethPred(a3, b3, c3))
		p[0], p[1], p[2], p[3] = uint8(a0), uint8(a1), uint8(a2), uint8(a3)
		c0, c1, c2, c3 = b0, b1, b2, b3
	}
}

// up adds prev to cur byte by byte, 8 bytes at a time: the low 7 bits of
// each byte are added apart from the top bit, so that no carry crosses
// into the next byte.
func up(cur, prev []byte) {
	const low7, top = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	i := 0
	for ; i+8 <= len(cur) && i+8 <= len(prev); i += 8 {
		x, y := binary.LittleEndian.Uint64(cur[i:]), binary.LittleEndian.Uint64(prev[i:])
		binary.LittleEndian.PutUint64(cur[i:], (x&low7+y&low7)^(x^y)&top)
	}
	for ; i < len(cur); i++ {
		cur[i] += prev[i]
	}
}

// avg4 undoes the Average filter on 4-byte pixels, the left pixel kept in
// registers.
func avg4(cur, prev []byte) {
	var a0, a1, a2, a3 uint
	for i := 0; i+4 <= len(cur) && i+4 <= len(prev); i += 4 {
		p, q := cur[i:i+4:i+4], prev[i:i+4:i+4]
		a0 = uint(p[0] + uint8((a0+uint(q[0]))>>1))
		a1 = uint(p[1] + uint8((a1+uint(q[1]))>>1))
		a2 = uint(p[2] + uint8((a2+uint(q[2]))>>1))
		a3 = uint(p[3] + uint8((a3+uint(q[3]))>>1))
		p[0], p[1], p[2], p[3] = uint8(a0), uint8(a1), uint8(a2), uint8(a3)
	}
}

// sub3 undoes the Sub filter on 3-byte pixels, the left pixel kept in
// registers rather than read back from the row.
func sub3(cur []byte) {
	var a0, a1, a2 uint8
	for i := 0; i+3 <= len(cur); i += 3 {
		p := cur[i : i+3 : i+3]
		a0 += p[0]
		a1 += p[1]
		a2 += p[2]
		p[0], p[1], p[2] = a0, a1, a2
	}
}

// avg3 undoes the Average filter on 3-byte pixels, the left pixel kept in
// registers.
func avg3(cur, prev []byte) {
	var a0, a1, a2 uint
	for i := 0; i+3 <= len(cur) && i+3 <= len(prev); i += 3 {
		p, q := cur[i:i+3:i+3], prev[i:i+3:i+3]
		a0 = uint(p[0] + uint8((a0+uint(q[0]))>>1))
		a1 = uint(p[1] + uint8((a1+uint(q[1]))>>1))
		a2 = uint(p[2] + uint8((a2+uint(q[2]))>>1))
		p[0], p[1], p[2] = uint8(a0), uint8(a1), uint8(a2)
	}
}

// sub4 undoes the Sub filter on 4-byte pixels, the left pixel kept in
// registers (faster here than adding 4-byte words bytewise).
func sub4(cur []byte) {
	var a0, a1, a2, a3 uint8
	for i := 0; i+4 <= len(cur); i += 4 {
		p := cur[i : i+4 : i+4]
		a0 += p[0]
		a1 += p[1]
		a2 += p[2]
		a3 += p[3]
		p[0], p[1], p[2], p[3] = a0, a1, a2, a3
	}
}
