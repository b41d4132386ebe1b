package prime

import (
	"bufio"
	"bytes"
	"math/big"
	"os"
	"regexp"
	"testing"
)

func TestParseLine(t *testing.T) {
	cases := []struct {
		in     string
		kind   Kind
		value  uint64
		digits string
	}{
		{"17", Small, 17, "17"},
		{"  17 \r", Small, 17, "17"},
		{"+0019", Small, 19, "19"},
		{"000", Small, 0, "0"},
		{"-0", Small, 0, "0"},
		{"-7", Negative, 0, "7"},
		{"", Blank, 0, ""},
		{" \t\r", Blank, 0, ""},
		{"18446744073709551615", Small, 18446744073709551615, "18446744073709551615"},
		{"18446744073709551616", Big, 0, "18446744073709551616"},
		{"99999999999999999999", Big, 0, "99999999999999999999"},
		{"00018446744073709551615", Small, 18446744073709551615, "18446744073709551615"},
		{"123456789012345678901234567890", Big, 0, "123456789012345678901234567890"},
		{"12a", Bad, 0, ""},
		{"1e9", Bad, 0, ""},
		{"31.0", Bad, 0, ""},
		{"1_000", Bad, 0, ""},
		{"0x1F", Bad, 0, ""},
		{"٣", Bad, 0, ""},
		{"+", Bad, 0, ""},
		{"-", Bad, 0, ""},
		{"--5", Bad, 0, ""},
		{"+-5", Bad, 0, ""},
		{"1 2", Bad, 0, ""},
		{"\u00a017", Bad, 0, ""},
	}
	for _, c := range cases {
		n, err := ParseLine([]byte(c.in))
		if n.Kind != c.kind || n.Value != c.value || string(n.Digits) != c.digits {
			t.Errorf("ParseLine(%q) = {%d %d %q}, %v; want {%d %d %q}", c.in, n.Kind, n.Value, n.Digits, err, c.kind, c.value, c.digits)
		}
		if (err != nil) != (c.kind == Bad) {
			t.Errorf("ParseLine(%q) error = %v", c.in, err)
		}
	}
	long := bytes.Repeat([]byte{'7'}, MaxLine+1)
	if n, err := ParseLine(long); n.Kind != Bad || err != ErrTooLong {
		t.Errorf("ParseLine(%d digits) = %v, %v; want Bad, ErrTooLong", len(long), n.Kind, err)
	}
}

var integerLine = regexp.MustCompile(`^[ \t\r\n\v\f]*([+-]?)([0-9]+)[ \t\r\n\v\f]*$`)

// FuzzParseLine compares ParseLine with a reference built from a regular
// expression and math/big.
func FuzzParseLine(f *testing.F) {
	file, err := os.Open("testdata/mixed.txt")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		f.Add(sc.Text())
	}
	file.Close()
	f.Fuzz(func(t *testing.T, line string) {
		n, err := ParseLine([]byte(line))
		m := integerLine.FindStringSubmatch(line)
		switch {
		case len(line) > MaxLine:
			if n.Kind != Bad || err != ErrTooLong {
				t.Fatalf("ParseLine(%d bytes) = %v, %v; want too long", len(line), n.Kind, err)
			}
			return
		case m == nil:
			blank := len(bytes.TrimLeft([]byte(line), " \t\r\n\v\f")) == 0
			if blank != (n.Kind == Blank) || (!blank && (n.Kind != Bad || err == nil)) {
				t.Fatalf("ParseLine(%q) = %v, %v; want Bad (or Blank: %v)", line, n.Kind, err, blank)
			}
			return
		}
		var want big.Int
		want.SetString(m[2], 10)
		if err != nil || string(n.Digits) != want.String() {
			t.Fatalf("ParseLine(%q) = %q, %v; want digits %s", line, n.Digits, err, want.String())
		}
		negative := m[1] == "-" && want.Sign() != 0
		switch {
		case negative:
			if n.Kind != Negative {
				t.Fatalf("ParseLine(%q) kind %v, want Negative", line, n.Kind)
			}
		case want.IsUint64():
			if n.Kind != Small || n.Value != want.Uint64() {
				t.Fatalf("ParseLine(%q) = %v %d, want Small %s", line, n.Kind, n.Value, want.String())
			}
		default:
			if n.Kind != Big {
				t.Fatalf("ParseLine(%q) kind %v, want Big", line, n.Kind)
			}
		}
	})
}
