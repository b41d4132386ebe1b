package thumb

// lutBits is how many bits of a Huffman code are looked up at once; the
// longer codes (rare) go through maxCode.
const lutBits = 9

// huffTable is one Huffman table of a JPEG.
type huffTable struct {
	ok bool
	// lut[b] for the next lutBits bits b: symbol<<8 | code length, or 0
	// when the code is longer.
	lut [1 << lutBits]uint16
	// For codes of length l (1..16): the largest code of that length
	// (-1: none), and where their symbols start in vals, less the first
	// code.
	maxCode [17]int32
	valPtr  [17]int32
	vals    [256]byte
	// fastAC[b], for an AC table, decodes at once a code and the
	// magnitude bits after it when both fit in the next lutBits bits b:
	// value<<8 | run<<4 | bits used; 0 when they do not fit.
	fastAC [1 << lutBits]int32
}

// build makes the table from the counts of codes of each length and the
// symbols in code order, as in a DHT segment (JPEG's Annex C).
func (t *huffTable) build(counts [16]int, syms []byte) error {
	*t = huffTable{}
	copy(t.vals[:], syms)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		t.valPtr[l] = k - code
		if n == 0 {
			t.maxCode[l] = -1
		} else {
			t.maxCode[l] = code + n - 1
		}
		for range n {
			if code >= 1<<l {
				return errJPEGScale // more codes than the length allows
			}
			if l <= lutBits {
				// Every lutBits-bit word starting with this code.
				shift := lutBits - l
				for fill := int32(0); fill < 1<<shift; fill++ {
					t.lut[code<<shift|fill] = uint16(t.vals[k])<<8 | uint16(l)
				}
			}
			code++
			k++
		}
		code <<= 1
	}
	// Codes with their magnitudes, for AC tables (symbol run<<4 | size).
	for peek := range t.fastAC {
		e := t.lut[peek]
		l, rs := int(e&0xff), int(e>>8)
		size := rs & 15
		if l == 0 || size == 0 || l+size > lutBits {
			continue
		}
		v := int32(peek>>(lutBits-l-size)) & (1<<size - 1)
		if v < 1<<(size-1) {
			v += -1<<size + 1
		}
		t.fastAC[peek] = v<<8 | int32(rs>>4)<<4 | int32(l+size)
	}
	t.ok = true
	return nil
}

// jbits reads the entropy-coded data of a scan, most significant bit
// first, dropping the zero byte stuffed after each 0xff. At a marker (or
// the end) it gives zero bits, counting them: a scan that needs many of
// them is damaged.
type jbits struct {
	data   []byte
	pos    int
	acc    uint64 // the next n bits, at the top
	n      uint
	marker bool // pos is at a marker
	padded int  // zero bits put in acc past the data
}

// overrun is how many zero bits past the data were read.
func (b *jbits) overrun() int { return b.padded - int(b.n) }

func (b *jbits) fill() {
	for b.n <= 56 {
		var c byte
		if !b.marker && b.pos < len(b.data) {
			c = b.data[b.pos]
			if c == 0xff {
				if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
					b.pos += 2
				} else {
					b.marker = true
					c = 0
					b.padded += 8
				}
			} else {
				b.pos++
			}
		} else {
			b.padded += 8
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

// get returns the next n bits (n <= 16).
func (b *jbits) get(n uint) int32 {
	if n == 0 {
		return 0
	}
	if b.n < n {
		b.fill()
	}
	v := int32(b.acc >> (64 - n))
	b.acc <<= n
	b.n -= n
	return v
}

// receive reads an n-bit magnitude and extends its sign (JPEG's EXTEND).
func (b *jbits) receive(n uint) int32 {
	v := b.get(n)
	if n > 0 && v < 1<<(n-1) {
		v += -1<<n + 1
	}
	return v
}

// decode reads one symbol coded by t; ok is false for a code t lacks.
func (b *jbits) decode(t *huffTable) (byte, bool) {
	if b.n < 16 {
		b.fill()
	}
	if e := t.lut[b.acc>>(64-lutBits)]; e != 0 {
		l := uint(e & 0xff)
		b.acc <<= l
		b.n -= l
		return byte(e >> 8), true
	}
	for l := lutBits + 1; l <= 16; l++ {
		code := int32(b.acc >> (64 - uint(l)))
		if code <= t.maxCode[l] {
			b.acc <<= uint(l)
			b.n -= uint(l)
			return t.vals[(code+t.valPtr[l])&0xff], true
		}
	}
	return 0, false
}

// reset drops the bits left before a restart marker, and steps over it:
// it must be RSTn for the expected n.
func (b *jbits) reset(want int) bool {
	b.acc, b.n = 0, 0
	// The marker is where the data stopped, or after a few fill bytes.
	for b.pos < len(b.data) && b.data[b.pos] != 0xff {
		b.pos++ // bits of the interval left undecoded: damaged, but go on as libjpeg does
	}
	for b.pos < len(b.data) && b.data[b.pos] == 0xff {
		b.pos++
	}
	if b.pos >= len(b.data) || b.data[b.pos] != byte(0xd0+want) {
		return false
	}
	b.pos++
	b.marker, b.padded = false, 0
	return true
}
