package prime

import "sync"

// presievePrimes are crossed off by copying a repeating pattern instead of
// one multiple at a time: their multiples repeat every 7·11·13·17·19 bytes.
var presievePrimes = []uint64{7, 11, 13, 17, 19}

const presievePeriod = 7 * 11 * 13 * 17 * 19

var presievePattern = sync.OnceValue(func() []byte {
	pat := make([]byte, presievePeriod)
	for _, p := range presievePrimes {
		c := planFor(p)
		for j := uint64(0); j < presievePeriod; j += p {
			for k := range 8 {
				pat[j+c.off[k]] |= c.mask[k]
			}
		}
	}
	return pat
})

// presieve fills buf, which stands for the bytes from absolute byte index
// first on, with the multiples of the presieve primes.
func presieve(buf []byte, first uint64) {
	pat := presievePattern()
	off := int(first % presievePeriod)
	n := copy(buf, pat[off:])
	for n < len(buf) {
		n += copy(buf[n:], pat)
	}
	if first == 0 && len(buf) > 0 {
		// 1 is not prime; 7, 11, 13, 17 and 19 are.
		buf[0] = 1
	}
}
