package prime

import (
	"math"
	"strconv"
	"testing"
)

func TestParseRange(t *testing.T) {
	cases := []struct {
		in     string
		lo, hi uint64
		ok     bool
	}{
		{"0..100", 0, 100, true},
		{"1e9..1e10", 1e9, 1e10, true},
		{"10^18..10^18+10^9", 1e18, 1e18 + 1e9, true},
		{"2^64-100..2^64-1", math.MaxUint64 - 99, math.MaxUint64, true},
		{"18446744073709551515..18446744073709551615", math.MaxUint64 - 100, math.MaxUint64, true},
		{"2^63 .. 2^63 + 5", 1 << 63, 1<<63 + 5, true},
		{"5..3", 0, 0, false},
		{"5", 0, 0, false},
		{"a..b", 0, 0, false},
		{"..5", 0, 0, false},
		{"0..18446744073709551616", 0, 0, false},
		{"0..2e19", 0, 0, false},
		{"0..10^20", 0, 0, false},
		{"3-5..10", 0, 0, false},
	}
	for _, c := range cases {
		lo, hi, err := ParseRange(c.in)
		if (err == nil) != c.ok || (c.ok && (lo != c.lo || hi != c.hi)) {
			t.Errorf("ParseRange(%q) = %d, %d, %v; want %d, %d, ok %v", c.in, lo, hi, err, c.lo, c.hi, c.ok)
		}
	}
}

// FuzzParseRange checks that plain decimal ranges read back exactly and
// that nothing panics.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"0..100", "10^18..10^18+10^9", "1e9..2e9", "2^64..1", "5..3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lo, hi, err := ParseRange(s)
		if err == nil && lo > hi {
			t.Fatalf("ParseRange(%q) = %d > %d", s, lo, hi)
		}
		if err != nil {
			return
		}
		plain := strconv.FormatUint(lo, 10) + ".." + strconv.FormatUint(hi, 10)
		if lo2, hi2, err := ParseRange(plain); err != nil || lo2 != lo || hi2 != hi {
			t.Fatalf("ParseRange(%q) = %d, %d, %v after ParseRange(%q) = %d, %d", plain, lo2, hi2, err, s, lo, hi)
		}
	})
}
