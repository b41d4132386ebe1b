package prime

// The large sieving primes walk their multiples p·q on a mod-210 wheel:
// q runs over the 48 residues prime to 2, 3, 5 and 7 rather than the 8
// prime to 30, so that a prime visits 48/210 of its multiples instead of
// 8/30, 14% fewer. The multiples with 7 | q are multiples of 7, which
// presieve has crossed already. The sieve itself keeps its mod-30 layout
// (byte i, bit k for 30i + wheel[k]); only the walk changes.

// wheel210 holds the residues modulo 210 prime to 210, in order.
var wheel210 = func() (w [48]uint64) {
	n := 0
	for q := uint64(1); q < 210; q++ {
		if q%2 != 0 && q%3 != 0 && q%5 != 0 && q%7 != 0 {
			w[n] = q
			n++
		}
	}
	return w
}()

// step210 is one step of a large prime's walk: from the multiple p·q with
// q ≡ wheel210[t] (mod 210), for p = 30a + r, the next multiple is
// a·dq + corr bytes further on, and the current one is bit bit (mask
// mask) of its byte. The next step is t+1, or 0 after 47: computed, not
// loaded, so that the walk's loop carries no chain of loads.
type step210 struct {
	dq, corr, mask, bit uint8
}

// steps210[ri][t] is step t of the primes 30a + wheel[ri]; each row has
// 64 entries, the 48 used then padding, so that an index masked to 6 bits
// needs no bounds check.
var steps210 = func() (s [8][64]step210) {
	for ri, r := range wheel {
		for t, w := range wheel210 {
			dq := uint64(2) // from 209 to 211
			if t < 47 {
				dq = wheel210[t+1] - w
			}
			rw := r * w % 30
			s[ri][t] = step210{
				dq:   uint8(dq),
				corr: uint8((rw + r*dq) / 30),
				mask: 1 << wheelBit[rw],
				bit:  uint8(wheelBit[rw]),
			}
		}
	}
	return s
}()

// from210[m] is the first t with wheel210[t] >= m: there is one for
// every m < 210, wheel210[47] being 209.
var from210 = func() (f [210]uint8) {
	t := 0
	for m := range f {
		for wheel210[t] < uint64(m) {
			t++
		}
		f[m] = uint8(t)
	}
	return f
}()

// off210[ri][t] is r·wheel210[t]/30 for r = wheel[ri]: the part of the
// byte of p·wheel210[t] that depends on p's residue.
var off210 = func() (o [8][48]uint32) {
	for ri, r := range wheel {
		for t, w := range wheel210 {
			o[ri][t] = uint32(r * w / 30)
		}
	}
	return o
}()

// first210 returns the byte (absolute, 30 numbers a byte) of the first
// multiple p·q >= p·qmin with q prime to 210, and that multiple's step t,
// for the prime p = 30i + wheel[ri]. The byte is below 2^64 when
// p·q is.
func first210(i, ri, qmin uint64) (pos, t uint64) {
	j := qmin / 210
	t = uint64(from210[qmin-210*j])
	p := 30*i + wheel[ri]
	return 7*p*j + i*wheel210[t] + uint64(off210[ri][t]), t
}
