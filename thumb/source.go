package thumb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// readPiece is how much readSource reads between looks at its context.
const readPiece = 8 << 20

// ErrNotRegular is the error of a source that is not a regular file: a
// named pipe (whose open would wait for a writer for ever), a device such
// as /dev/zero (which never ends), a socket.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooBig is the error of an image whose decode needs more memory than
// Settings.MemoryMiB allows.
var ErrTooBig = errors.New("image too big for the memory limit")

// readSource reads the whole of the regular file at path. It opens the
// file without waiting (a named pipe put in its place after it was listed
// must not block the run) and reads no more than the size it had when
// opened, plus one byte to see that it grew.
func readSource(ctx context.Context, path string) ([]byte, error) {
	f, st, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBounded(ctx, f, st.Size())
}

// ErrGrew is the error of a source that had more bytes than its size said:
// a file still being written.
var ErrGrew = errors.New("the file grew while it was read: still being written?")

// readBounded reads r, which should hold size bytes, whole: in pieces, so
// that a slow disk, network file system or broker does not hold up a
// cancelled run, and never more than size+1 bytes.
func readBounded(ctx context.Context, r io.Reader, size int64) ([]byte, error) {
	data := make([]byte, size+1)
	n := 0
	for n < len(data) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, err := io.ReadFull(r, data[n:min(len(data), n+readPiece)])
		n += m
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return data[:n], nil
		case err != nil:
			return nil, err
		}
	}
	return nil, ErrGrew
}

// openSource opens the regular file at path without waiting, and refuses
// any other kind of file.
func openSource(path string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%w (%s)", ErrNotRegular, fileKind(st.Mode()))
	}
	return f, st, nil
}

// fileKind names the type of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	}
	return "type " + m.Type().String()
}

// sizeText writes n bytes for people: "37.3 GiB", "256 MiB".
func sizeText(n int64) string {
	const mib = 1 << 20
	switch {
	case n >= 10<<30:
		return fmt.Sprintf("%.0f GiB", float64(n)/(1<<30))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 10*mib:
		return fmt.Sprintf("%.0f MiB", float64(n)/mib)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/mib)
}
