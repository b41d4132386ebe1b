//go:build unix

package thumb

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A temporary file left by a writer that was killed is taken over by the
// next write of the same output; one that a live writer holds is left to
// it.
func TestWriteAtomicLeftovers(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a_32_32.png")
	left := filepath.Join(dir, ".a_32_32.png.tmp")
	if err := os.WriteFile(left, []byte("half a thumbnail"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(s string) error {
		return writeAtomic(out, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
	}
	if err := write("one"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "one" {
		t.Errorf("output %q", b)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("the leftover is still there: %v", err)
	}

	// A live writer's file: locked, so left alone.
	f, err := os.OpenFile(left, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	f.WriteString("another writer's")
	if err := write("two"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "two" {
		t.Errorf("output %q", b)
	}
	if b, err := os.ReadFile(left); err != nil || string(b) != "another writer's" {
		t.Errorf("the live writer's file became %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files, want the output and the live writer's", len(entries))
	}
}
