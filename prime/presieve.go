package prime

import (
	"sync"
	"unsafe"
)

// The smallest sieving primes are crossed off by copying repeating
// patterns instead of one multiple at a time: the multiples of p repeat
// every p bytes, those of a group of primes every product of the group.
// The first group's pattern is copied; the eight others are ORed in, eight
// bytes at a time. Their patterns take 880 KB, read in order, which the
// prefetchers keep up with; each prime presieved spares the sieve 8
// scattered stores per p bytes for a sequential load per 8 bytes per
// group. (Presieving on to 163 measured no faster.)
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
	orPatterns(buf, first, pats[1:])
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

// orPatterns ORs the eight patterns ps into buf, which starts at absolute
// byte first, eight bytes at a time. It goes in runs of words that no
// pattern wraps within, so that the inner loop has no branch but its own.
func orPatterns(buf []byte, first uint64, ps []pattern) {
	ps = ps[:8]
	var off [8]int
	for k := range off {
		off[k] = int(first % uint64(ps[k].period))
	}
	// Unchecked 8-byte loads and stores: i+8 <= len(buf), and every
	// pattern offset read is below its period, with 8 readable bytes
	// past the period.
	out := unsafe.Pointer(unsafe.SliceData(buf))
	i := 0
	for i+8 <= len(buf) {
		run := (len(buf) - i) / 8
		for k := range off {
			run = min(run, (ps[k].period-off[k]+7)/8)
		}
		x0 := unsafe.Pointer(&ps[0].data[off[0]])
		x1 := unsafe.Pointer(&ps[1].data[off[1]])
		x2 := unsafe.Pointer(&ps[2].data[off[2]])
		x3 := unsafe.Pointer(&ps[3].data[off[3]])
		x4 := unsafe.Pointer(&ps[4].data[off[4]])
		x5 := unsafe.Pointer(&ps[5].data[off[5]])
		x6 := unsafe.Pointer(&ps[6].data[off[6]])
		x7 := unsafe.Pointer(&ps[7].data[off[7]])
		for end := i + 8*run; i < end; i += 8 {
			*(*uint64)(unsafe.Add(out, i)) |= *(*uint64)(x0) | *(*uint64)(x1) |
				*(*uint64)(x2) | *(*uint64)(x3) | *(*uint64)(x4) |
				*(*uint64)(x5) | *(*uint64)(x6) | *(*uint64)(x7)
			// The last step leaves each x below period+8: still in data.
			x0, x1 = unsafe.Add(x0, 8), unsafe.Add(x1, 8)
			x2, x3 = unsafe.Add(x2, 8), unsafe.Add(x3, 8)
			x4, x5 = unsafe.Add(x4, 8), unsafe.Add(x5, 8)
			x6, x7 = unsafe.Add(x6, 8), unsafe.Add(x7, 8)
		}
		for k := range off {
			if off[k] += 8 * run; off[k] >= ps[k].period {
				off[k] -= ps[k].period
			}
		}
	}
	for ; i < len(buf); i++ {
		var m byte
		for k := range off {
			m |= ps[k].data[off[k]]
			off[k] = (off[k] + 1) % ps[k].period
		}
		buf[i] |= m
	}
}
