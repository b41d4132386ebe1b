package prime

import (
	"sync"
	"unsafe"
)

// The smallest sieving primes are crossed off by copying repeating
// patterns instead of one multiple at a time: the multiples of p repeat
// every p bytes, those of a group of primes every product of the group.
// The first group's pattern is copied; the others are ORed in, four at a
// time, eight bytes at a time. Their patterns take 85 KB, which stays in
// the L2 cache; each prime presieved spares the sieve 8 scattered stores
// per p bytes for a sequential load per 8 bytes per group.
var presieveGroups = [][]uint64{
	{7, 11, 13, 17, 19},
	{23, 29, 31},
	{37, 41, 43},
	{47, 53, 59},
	{61, 67, 71},
	{73, 79},
	{83, 89},
	{97, 101},
	{103, 107},
}

// presieveMax is the largest presieved prime: sieving starts after it.
const presieveMax = 107

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
	for i := 1; i < len(pats); i += 4 {
		orPatterns(buf, first, pats[i:i+4])
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

// orPatterns ORs the four patterns ps into buf, which starts at absolute
// byte first.
func orPatterns(buf []byte, first uint64, ps []pattern) {
	b, c, d, e := ps[0], ps[1], ps[2], ps[3]
	ob, oc := int(first%uint64(b.period)), int(first%uint64(c.period))
	od, oe := int(first%uint64(d.period)), int(first%uint64(e.period))
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
}
