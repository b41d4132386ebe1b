package libdeflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"math/rand/v2"
	"testing"
)

func need(t *testing.T) {
	t.Helper()
	if ok, err := Available(); !ok {
		t.Skipf("libdeflate not installed (apt-get install libdeflate0): %v", err)
	}
}

// compressed is n bytes of compressible noise and their zlib stream.
func compressed(t *testing.T, n int) (raw, z []byte) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	raw = make([]byte, n)
	for i := range raw {
		raw[i] = byte(i/7) + byte(r.IntN(4))
	}
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(raw)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return raw, buf.Bytes()
}

func TestZlibDecompress(t *testing.T) {
	need(t)
	raw, z := compressed(t, 300_000)
	got := make([]byte, len(raw))
	if err := ZlibDecompress(got, z); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Fatal("inflated bytes differ")
	}
	// Bytes after the stream are not its business.
	if err := ZlibDecompress(got, append(z[:len(z):len(z)], "trailing"...)); err != nil {
		t.Fatalf("trailing bytes: %v", err)
	}
	bad := bytes.Clone(z)
	bad[len(bad)-1] ^= 1 // the Adler-32
	for _, c := range []struct {
		name string
		dst  []byte
		src  []byte
		want error
	}{
		{"truncated", got, z[:len(z)/2], ErrBadData},
		{"no checksum", got, z[:len(z)-4], ErrBadData},
		{"bad checksum", got, bad, ErrBadData},
		{"bad header", got, append([]byte{0x78, 0x00}, z[2:]...), ErrBadData},
		{"empty", got, nil, ErrBadData},
		{"short output", make([]byte, len(raw)+1), z, ErrShortOutput},
		{"too much", make([]byte, len(raw)-1), z, ErrTooMuch},
		{"nothing expected", nil, z, ErrTooMuch},
	} {
		if err := ZlibDecompress(c.dst, c.src); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
