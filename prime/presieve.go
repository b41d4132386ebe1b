package prime

import (
	"sync"
	"unsafe"
)

// The smallest sieving primes are crossed off by copying repeating
// patterns instead of one multiple at a time: the multiples of p repeat
// every p bytes, those of a group of primes every product of the group.
// The first group's pattern is copied; the others are ORed in, eight
// bytes at a time.
var presieveGroups = [][]uint64{
	{7, 11, 13, 17, 19},
	{23, 29, 31},
	{37, 41, 43},
	{47, 53, 59},
	{61, 67, 71},
}

// presieveMax is the largest presieved prime: sieving starts after it.
const presieveMax = 71

// pattern is one group's marks for bytes 0 .. period-1, followed by its
// first 8 bytes again so that any 8-byte window can be read in one load.
type pattern struct {
	period int
	data   []byte
}

var presievePatterns = sync.OnceValue(func() []pattern {
	pats := make([]pattern, len(presieveGroups))
	for i, g := range presieveGroups {
		period := 1
		for _, p := range g {
			period *= int(p)
		}
		data := make([]byte, period+8)
		for _, p := range g {
			c := planFor(p)
			for j := 0; j < period; j += int(p) {
				for k := range 8 {
					data[j+int(c.off[k])] |= c.mask[k]
				}
			}
		}
		copy(data[period:], data[:8])
		pats[i] = pattern{period: period, data: data}
	}
	return pats
})

// presieve fills buf, which stands for the bytes from absolute byte index
// first on, with the multiples of the presieved primes.
func presieve(buf []byte, first uint64) {
	pats := presievePatterns()
	a := pats[0]
	off := int(first % uint64(a.period))
	n := copy(buf, a.data[off:a.period])
	for n < len(buf) {
		n += copy(buf[n:], a.data[:a.period])
	}
	rest := pats[1:]
	var offs [8]int
	for i, p := range rest {
		offs[i] = int(first % uint64(p.period))
	}
	// Four groups at once, eight bytes at a time.
	b, c, d, e := rest[0], rest[1], rest[2], rest[3]
	ob, oc, od, oe := offs[0], offs[1], offs[2], offs[3]
	// Unchecked 8-byte loads and stores: i+8 <= len(buf), and every
	// offset is below its period, with 8 readable bytes past the period.
	pb := unsafe.Pointer(unsafe.SliceData(b.data))
	pc := unsafe.Pointer(unsafe.SliceData(c.data))
	pd := unsafe.Pointer(unsafe.SliceData(d.data))
	pe := unsafe.Pointer(unsafe.SliceData(e.data))
	out := unsafe.Pointer(unsafe.SliceData(buf))
	i := 0
	for ; i+8 <= len(buf); i += 8 {
		w := (*uint64)(unsafe.Add(out, i))
		*w |= *(*uint64)(unsafe.Add(pb, ob)) | *(*uint64)(unsafe.Add(pc, oc)) |
			*(*uint64)(unsafe.Add(pd, od)) | *(*uint64)(unsafe.Add(pe, oe))
		if ob += 8; ob >= b.period {
			ob -= b.period
		}
		if oc += 8; oc >= c.period {
			oc -= c.period
		}
		if od += 8; od >= d.period {
			od -= d.period
		}
		if oe += 8; oe >= e.period {
			oe -= e.period
		}
	}
	for ; i < len(buf); i++ {
		buf[i] |= b.data[ob] | c.data[oc] | d.data[od] | e.data[oe]
		ob, oc, od, oe = (ob+1)%b.period, (oc+1)%c.period, (od+1)%d.period, (oe+1)%e.period
	}
	if first <= presieveMax/30 {
		// 1 is not prime; the presieved primes are, in whichever piece
		// holds them.
		if first == 0 {
			buf[0] |= 1
		}
		for _, g := range presieveGroups {
			for _, p := range g {
				if i := p / 30; i >= first && i-first < uint64(len(buf)) {
					buf[i-first] &^= 1 << uint(wheelBit[p%30])
				}
			}
		}
	}
}
