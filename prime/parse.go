package prime

import (
	"errors"
	"math"
)

// MaxLine is the longest input line, in bytes, that is read as a number
// (about 16,000 decimal digits); a longer line is rejected as too long.
const MaxLine = 16 << 10

// Errors of ParseLine. A line error names the line and quotes its text.
var (
	ErrNotInteger = errors.New("not an integer")
	ErrTooLong    = errors.New("too long")
)

// Kind says what a line of input holds.
type Kind uint8

// The kinds of line ParseLine tells apart.
const (
	Blank    Kind = iota // only whitespace: skipped
	Small                // an integer in [0, 2^64): Value holds it
	Big                  // an integer >= 2^64: Digits holds it
	Negative             // an integer below zero: never prime
	Bad                  // not an integer, or too long
)

// Number is one parsed line.
type Number struct {
	Kind   Kind
	Value  uint64 // the value when Kind is Small
	Digits []byte // canonical decimal digits, no sign, no leading zeros (aliases the line)
}

// isSpace reports ASCII white space, including a Windows '\r'.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// trimSpace returns line without surrounding ASCII white space.
func trimSpace(line []byte) []byte {
	i, j := 0, len(line)
	for i < j && isSpace(line[i]) {
		i++
	}
	for j > i && isSpace(line[j-1]) {
		j--
	}
	return line[i:j]
}

// ParseLine reads one line of input as a decimal integer. Surrounding
// white space (spaces, tabs, a Windows '\r'), one leading '+' or '-' and
// leading zeros are accepted; a line with nothing but white space is Blank.
// Anything else (letters, '1e9', '31.0', '1_000', '0x1F', non-ASCII digits)
// is Bad with ErrNotInteger, and a line longer than MaxLine is Bad with
// ErrTooLong.
func ParseLine(line []byte) (Number, error) {
	if len(line) > MaxLine {
		return Number{Kind: Bad}, ErrTooLong
	}
	s := line
	if len(s) == 0 || isSpace(s[0]) || isSpace(s[len(s)-1]) {
		s = trimSpace(s)
	}
	if len(s) == 0 {
		return Number{Kind: Blank}, nil
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	if len(s) == 0 {
		return Number{Kind: Bad}, ErrNotInteger
	}
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	if len(s) <= 19 {
		// The common case: validate and convert in one pass.
		var v uint64
		for _, c := range s {
			d := c - '0'
			if d > 9 {
				return Number{Kind: Bad}, ErrNotInteger
			}
			v = v*10 + uint64(d)
		}
		if neg && v != 0 {
			return Number{Kind: Negative, Digits: s}, nil
		}
		return Number{Kind: Small, Value: v, Digits: s}, nil
	}
	for _, c := range s {
		if c-'0' > 9 {
			return Number{Kind: Bad}, ErrNotInteger
		}
	}
	if neg {
		return Number{Kind: Negative, Digits: s}, nil
	}
	if len(s) > 20 || s[0] > '1' {
		return Number{Kind: Big, Digits: s}, nil
	}
	// 20 digits starting with 1: it overflows only in the last step.
	var v uint64
	for _, c := range s[:19] {
		v = v*10 + uint64(c-'0')
	}
	d := uint64(s[19] - '0')
	if v > (math.MaxUint64-d)/10 {
		return Number{Kind: Big, Digits: s}, nil
	}
	return Number{Kind: Small, Value: v*10 + d, Digits: s}, nil
}
