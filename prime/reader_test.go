package prime

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReaderChunks cuts inputs of many shapes and checks that the chunks
// hold every line once, in order, with the right line numbers.
func TestReaderChunks(t *testing.T) {
	var big strings.Builder
	for i := range 100_000 {
		big.WriteString(strings.Repeat("1", 1+i%25) + "\n")
	}
	cases := map[string]string{
		"empty":           "",
		"one line":        "7\n",
		"no last newline": "7\n11",
		"blank lines":     "\n\n\n",
		"crlf":            "7\r\n11\r\n",
		"many chunks":     big.String(),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			// A reader that returns one byte at a time must give the
			// same chunks' text as one that returns everything at once.
			for _, src := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
				r := NewReader(src, "stdin")
				var text strings.Builder
				line := 1
				for c := range r.All() {
					if c.First != line {
						t.Fatalf("chunk starts at line %d, want %d", c.First, line)
					}
					if len(c.Text) > ChunkBytes+1 || !strings.HasSuffix(c.Text, "\n") {
						t.Fatalf("chunk of %d bytes, ends %q", len(c.Text), c.Text[max(0, len(c.Text)-5):])
					}
					line += strings.Count(c.Text, "\n")
					text.WriteString(c.Text)
				}
				want := in
				if want != "" && !strings.HasSuffix(want, "\n") {
					want += "\n"
				}
				if text.String() != want || r.Err() != nil {
					t.Fatalf("chunks hold %d bytes, input %d; err %v", text.Len(), len(want), r.Err())
				}
				if src, ok := src.(*strings.Reader); ok && src.Len() != 0 {
					t.Fatal("input not read to the end")
				}
			}
		})
	}
}

// A line longer than ChunkBytes comes alone, cut short, with its length,
// and the lines around it keep their numbers.
func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("9", 10<<20)
	r := NewReader(strings.NewReader("7\n"+long+"\n11\n"), "stdin")
	var chunks []Chunk
	for c := range r.All() {
		chunks = append(chunks, c)
	}
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3", len(chunks))
	}
	if c := chunks[1]; c.First != 2 || c.Long != int64(len(long)) || len(c.Text) > 200 {
		t.Errorf("long line chunk: first %d, long %d, %d bytes of text", c.First, c.Long, len(c.Text))
	}
	if c := chunks[2]; c.First != 3 || c.Text != "11\n" {
		t.Errorf("after the long line: %+v", c)
	}
}

func TestReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := NewReader(io.MultiReader(strings.NewReader("7\n"), iotest.ErrReader(boom)), "numbers.txt")
	n := 0
	for range r.All() {
		n++
	}
	if n != 1 || !errors.Is(r.Err(), boom) || !strings.Contains(r.Err().Error(), "numbers.txt") {
		t.Fatalf("%d chunks, err %v", n, r.Err())
	}
}

// A read that fails (or gives way to Ctrl-C) mid-line leaves a line cut
// short: it is not a number, and it is not answered for.
func TestReaderDropsALineCutByAnError(t *testing.T) {
	r := NewReader(io.MultiReader(strings.NewReader("11\n24490745"[:9]), iotest.ErrReader(context.Canceled)), "stdin")
	var text strings.Builder
	for c := range r.All() {
		text.WriteString(c.Text)
	}
	if text.String() != "11\n" || !errors.Is(r.Err(), context.Canceled) {
		t.Fatalf("chunks %q, err %v; want only the whole line and the error", text.String(), r.Err())
	}
}

// A leading UTF-8 byte order mark is skipped; one anywhere else is not.
func TestReaderSkipsALeadingBOM(t *testing.T) {
	r := NewReader(strings.NewReader("\ufeff7\n\ufeff8\n"), "win.txt")
	var got []Chunk
	for c := range r.All() {
		got = append(got, c)
	}
	if len(got) != 1 || got[0].Text != "7\n\ufeff8\n" || got[0].First != 1 {
		t.Fatalf("chunks %+v", got)
	}
}
