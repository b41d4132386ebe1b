package prime

import (
	"io"
	"testing"
	"time"
)

// A line that arrives alone is answered before more input comes.
func TestReaderYieldsSlowInputAtOnce(t *testing.T) {
	pr, pw := io.Pipe()
	got := make(chan string, 4)
	go func() {
		for c := range NewReader(pr, "stdin").All() {
			got <- c.Text
		}
		close(got)
	}()
	pw.Write([]byte("7\n"))
	select {
	case text := <-got:
		if text != "7\n" {
			t.Fatalf("first chunk %q, want \"7\\n\"", text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no chunk 5s after a whole line arrived; the reader waits for more")
	}
	pw.Write([]byte("11\n"))
	pw.Close()
	if text := <-got; text != "11\n" {
		t.Fatalf("second chunk %q", text)
	}
}
