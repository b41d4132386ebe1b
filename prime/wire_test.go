package prime

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/engine"
)

func TestChunkWireRoundTrip(t *testing.T) {
	mixed, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Chunk{
		{},
		{Source: "stdin", First: 1, Text: "7\n8\n"},
		{Source: "numbers with \"quotes\" and\nnewlines.txt", First: 1 << 40, Text: string(mixed)},
		{Source: "argument", First: 3, Text: "1234", Long: 1 << 33},
	} {
		b, err := engine.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		var got Chunk
		if err := engine.Decode(b, &got); err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if got != c {
			t.Errorf("round trip: got %+v, want %+v", got, c)
		}
	}
}

func TestSievedWireRoundTrip(t *testing.T) {
	for _, s := range []Sieved{{}, {Count: 4, Text: "2\n3\n5\n7\n"}, {Count: 1<<64 - 1}} {
		b, _ := engine.Encode(s)
		var got Sieved
		if err := engine.Decode(b, &got); err != nil || got != s {
			t.Errorf("round trip of %+v: got %+v, %v", s, got, err)
		}
	}
}

func TestWireRefusesDamage(t *testing.T) {
	good, _ := Chunk{Source: "in.txt", First: 9, Text: "11\n"}.MarshalBinary()
	for name, b := range map[string][]byte{
		"empty":             nil,
		"JSON":              []byte(`{"first":1,"text":"7\n"}`),
		"a sieve result":    {sievedWire, 1},
		"cut in the header": good[:3],
		"source too long":   {chunkWire, 1, 0, 200, 'a'},
		"endless number":    {chunkWire, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	} {
		var c Chunk
		if err := c.UnmarshalBinary(b); !errors.Is(err, ErrWire) {
			t.Errorf("%s: got %v, want ErrWire", name, err)
		}
	}
}

// FuzzChunkWire feeds damaged wire forms to UnmarshalBinary: it never
// panics, and what it accepts encodes back to a form that decodes the same.
func FuzzChunkWire(f *testing.F) {
	mixed, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range []Chunk{{Source: "mixed.txt", First: 1, Text: string(mixed)}, {Long: 5, Text: "12"}} {
		b, _ := c.MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Chunk
		if c.UnmarshalBinary(b) != nil {
			return
		}
		again, _ := c.MarshalBinary()
		var c2 Chunk
		if err := c2.UnmarshalBinary(again); err != nil || c2 != c {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", c, c2, err)
		}
		// What a worker does next must not fail on it either.
		if _, err := Check(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzChunkPack packs any text: it always comes back byte for byte.
func FuzzChunkPack(f *testing.F) {
	mixed, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(mixed), 1)
	f.Add("18446744073709551615\n18446744073709551616\n0\n00\n-0\n+7\n 7\n7 \n\n", 5)
	f.Add("7\n8", 1)
	f.Fuzz(func(t *testing.T, text string, first int) {
		c := Chunk{Source: "fuzz", First: max(first, 0), Text: text}
		b, err := engine.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		var got Chunk
		if err := engine.Decode(b, &got); err != nil || got != c {
			t.Fatalf("round trip of %q: got %q, %v", c.Text, got.Text, err)
		}
	})
}

// 64-bit numbers take 8 bytes each, small ones a few.
func TestChunkWireSize(t *testing.T) {
	for _, tc := range []struct {
		text      string
		perNumber float64
	}{
		{strings.Repeat("18446744073709551557\n", 1000), 8},
		{strings.Repeat("982451653\n", 1000), 5},
		{strings.Repeat("97\n", 1000), 1},
	} {
		b, _ := Chunk{Text: tc.text}.MarshalBinary()
		if per := float64(len(b)-10) / 1000; per > tc.perNumber {
			t.Errorf("%q...: %.2f bytes a number, want %v at most", tc.text[:5], per, tc.perNumber)
		}
	}
}
