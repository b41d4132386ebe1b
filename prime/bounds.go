package prime

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ErrBadRange is the error of ParseRange.
var ErrBadRange = errors.New("bad range")

// ParseRange reads "A..B", both ends included. Each end is a sum of terms
// joined by '+', each term a decimal integer, a power "10^18" or "2^64", or
// "1e10"; so "10^18..10^18+10^9" and "2^64-1" style upper ends are written
// as "0..18446744073709551615". Both ends must be below 2^64 and A <= B.
func ParseRange(s string) (lo, hi uint64, err error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, fmt.Errorf("%w %q: want A..B", ErrBadRange, s)
	}
	if lo, err = parseBound(a); err != nil {
		return 0, 0, fmt.Errorf("%w %q: %w", ErrBadRange, s, err)
	}
	if hi, err = parseBound(b); err != nil {
		return 0, 0, fmt.Errorf("%w %q: %w", ErrBadRange, s, err)
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("%w %q: the start is past the end", ErrBadRange, s)
	}
	return lo, hi, nil
}

// parseBound reads one end of a range: terms joined by '+' or '-',
// computed exactly, so "2^64-1" works though 2^64 does not fit.
func parseBound(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("an end is empty")
	}
	var sum, v big.Int
	sign := byte('+')
	for {
		i := strings.IndexAny(s, "+-")
		term := s
		if i >= 0 {
			term = s[:i]
		}
		if err := parseTerm(&v, strings.TrimSpace(term)); err != nil {
			return 0, err
		}
		if sign == '+' {
			sum.Add(&sum, &v)
		} else {
			sum.Sub(&sum, &v)
		}
		if i < 0 {
			break
		}
		sign, s = s[i], s[i+1:]
	}
	if sum.Sign() < 0 || !sum.IsUint64() {
		return 0, fmt.Errorf("%s is not in [0, 2^64)", sum.String())
	}
	return sum.Uint64(), nil
}

// parseTerm reads "123", "10^18" or "1e10" into v.
func parseTerm(v *big.Int, s string) error {
	if base, exp, ok := strings.Cut(s, "^"); ok {
		return power(v, base, exp)
	}
	if m, exp, ok := strings.Cut(s, "e"); ok {
		if err := power(v, "10", exp); err != nil {
			return err
		}
		var f big.Int
		if err := decimal(&f, m); err != nil {
			return err
		}
		v.Mul(v, &f)
		return nil
	}
	return decimal(v, s)
}

func power(v *big.Int, base, exp string) error {
	var b, e big.Int
	if err := decimal(&b, base); err != nil {
		return err
	}
	if err := decimal(&e, exp); err != nil {
		return err
	}
	if !e.IsInt64() || e.Int64() > 128 {
		return fmt.Errorf("exponent %s is too large", exp)
	}
	v.Exp(&b, &e, nil)
	return nil
}

func decimal(v *big.Int, s string) error {
	if s == "" || len(s) > 40 || strings.Trim(s, "0123456789") != "" {
		return fmt.Errorf("%q is not a number", s)
	}
	v.SetString(s, 10)
	return nil
}
