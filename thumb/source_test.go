package thumb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe or a device is no image: named in the plan, it is a
// Problem; reached by the job (put in place after the plan), it fails at
// once. Neither may block the run or read for ever.
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jpg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	pl := prepare(t, Settings{OutDir: filepath.Join(dir, "out")}, []string{fifo, "/dev/zero"})
	if len(pl.Items) != 0 || len(pl.Problems) != 2 {
		t.Fatalf("items %v, problems %v", pl.Items, pl.Problems)
	}
	for i, kind := range []string{"a named pipe", "a character device"} {
		if err := pl.Problems[i].Err; !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), kind) {
			t.Errorf("%s: %v, want ErrNotRegular naming %s", pl.Problems[i].Path, err, kind)
		}
	}
	done := make(chan error, 2)
	for _, src := range []string{fifo, "/dev/zero"} {
		go func() {
			_, err := newRun(t, Settings{Force: true})(context.Background(), Item{Src: src, Outs: []string{filepath.Join(dir, "o.png")}})
			done <- err
		}()
	}
	for range 2 {
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("job on a pipe or device: %v, want ErrNotRegular", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the job blocks on a named pipe or reads a device for ever")
		}
	}
}

// tinyPNG is a PNG file of a few bytes whose header claims w×h pixels,
// interlaced: decoded whole (a PNG that is not shrinks on load).
func tinyPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		body := append([]byte(kind), data...)
		b.Write(body)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	chunk("IHDR", append(ihdr, 8, 6, 0, 0, 1)) // 8-bit RGBA, Adam7
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// With no pixel limit, a small file that claims 10^10 pixels fails alone
// with a line that says how much it needs; it does not take the process
// down by running out of memory.
func TestImageTooBigForMemory(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "huge.png")
	if err := os.WriteFile(src, tinyPNG(100000, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := newRun(t, Settings{MaxPixels: -1})(context.Background(), Item{Src: src, Outs: []string{filepath.Join(dir, "o.png")}})
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "needs about 47 GiB") || !strings.Contains(err.Error(), "256 MiB") {
		t.Fatalf("err %v, want ErrTooBig saying what it needs", err)
	}
}

func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, readPiece, 2*readPiece + 5} {
		path := filepath.Join(dir, "f")
		want := bytes.Repeat([]byte{'x'}, size)
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readSource(context.Background(), path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%d bytes: read %d, %v", size, len(got), err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readSource(ctx, filepath.Join(dir, "f")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}
