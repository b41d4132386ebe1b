package thumb

// unfilter undoes the PNG filter of type ft on row cur in place, given
// the previous row prev (all zeros for the first) and bpp, the bytes per
// pixel (at least 1). It reports false for an unknown filter type.
func unfilter(ft byte, cur, prev []byte, bpp int) bool {
	prev = prev[:len(cur)]
	switch ft {
	case 0:
	case 1: // sub: plus the byte on the left
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // up: plus the byte above
		for i, b := range prev {
			cur[i] += b
		}
	case 3: // average of left and above
		for i := range min(bpp, len(cur)) {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4:
		paeth(cur, prev, bpp)
	default:
		return false
	}
	return true
}

// paeth undoes the Paeth filter: each byte plus whichever of left (a),
// above (b) and upper left (c) is nearest to a+b-c, ties going in that
// order. Each of the bpp byte lanes runs on its own, carrying a and c in
// registers.
func paeth(cur, prev []byte, bpp int) {
	for lane := range min(bpp, len(cur)) {
		var a, c int
		for i := lane; i < len(cur); i += bpp {
			b := int(prev[i])
			pa := b - c // |p - a| where p = a + b - c
			pb := a - c // |p - b|
			pc := pa + pb
			pa, pb, pc = absInt(pa), absInt(pb), absInt(pc)
			pred := c
			if pa <= pb && pa <= pc {
				pred = a
			} else if pb <= pc {
				pred = b
			}
			a = int(cur[i] + uint8(pred))
			cur[i] = uint8(a)
			c = b
		}
	}
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
