package prime

import "math/bits"

// mont is arithmetic modulo an odd n in Montgomery form, with R = 2^64:
// a value a is held as a·R mod n. Products need one 128-bit multiply and a
// reduction, never a division.
type mont struct {
	n    uint64 // the odd modulus
	ninv uint64 // n^-1 mod 2^64
	one  uint64 // R mod n: 1 in Montgomery form
	r2   uint64 // R^2 mod n, to convert into Montgomery form
}

func newMont(n uint64) mont {
	// Newton's iteration doubles the correct low bits of the inverse each
	// step; x = n is already right modulo 8 for odd n.
	x := n
	for range 5 {
		x *= 2 - n*x
	}
	one := -n % n
	hi, lo := bits.Mul64(one, one)
	_, r2 := bits.Div64(hi, lo, n)
	return mont{n: n, ninv: x, one: one, r2: r2}
}

// mul returns a·b·R^-1 mod n for a, b < n.
func (m *mont) mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q := lo * m.ninv
	qh, _ := bits.Mul64(q, m.n)
	r := hi - qh
	if hi < qh {
		r += m.n
	}
	return r
}

// to converts a < n into Montgomery form.
func (m *mont) to(a uint64) uint64 { return m.mul(a, m.r2) }

// add returns a+b mod n for a, b < n.
func (m *mont) add(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 || s >= m.n {
		s -= m.n
	}
	return s
}

// sub returns a-b mod n for a, b < n.
func (m *mont) sub(a, b uint64) uint64 {
	d := a - b
	if a < b {
		d += m.n
	}
	return d
}
