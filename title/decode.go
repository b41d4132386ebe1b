package title

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// acceptEncoding is what a Fetcher offers to servers.
const acceptEncoding = "gzip, deflate, br"

// wireReader reads the response body off the network and remembers its
// error, so that a failure of the network is told apart from a failure of
// decompression.
type wireReader struct {
	r   io.Reader
	n   int64
	err error
}

func (w *wireReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.n += int64(n)
	if err != nil && err != io.EOF {
		w.err = err
	}
	return n, err
}

var gzipPool sync.Pool // of *gzip.Reader

// decoder is a body decompressor with a way to give its resources back.
type decoder struct {
	io.Reader
	release func()
}

// decodeBody wraps body for its Content-Encoding. An error means the
// encoding is unknown or the stream's header is broken.
func decodeBody(body io.Reader, contentEncoding string) (decoder, error) {
	switch enc := strings.ToLower(strings.TrimSpace(contentEncoding)); enc {
	case "", "identity":
		return decoder{body, func() {}}, nil
	case "gzip", "x-gzip":
		zr, _ := gzipPool.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(body)
		} else {
			err = zr.Reset(body)
		}
		if err != nil {
			return decoder{}, fmt.Errorf("gzip: %w", err)
		}
		return decoder{zr, func() { gzipPool.Put(zr) }}, nil
	case "deflate":
		// "deflate" means zlib, but some servers send raw deflate.
		br := bufio.NewReaderSize(body, 512)
		head, _ := br.Peek(2)
		if len(head) == 2 && head[0]&0x0F == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return decoder{}, fmt.Errorf("deflate: %w", err)
			}
			return decoder{zr, func() { zr.Close() }}, nil
		}
		fr := flate.NewReader(br)
		return decoder{fr, func() { fr.Close() }}, nil
	case "br":
		return decoder{brotli.NewReader(body), func() {}}, nil
	default:
		return decoder{}, fmt.Errorf("unsupported content-encoding %q", enc)
	}
}

// isDecodeError reports whether err comes from a broken compressed stream.
func isDecodeError(err error) bool {
	var corrupt flate.CorruptInputError
	if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || errors.As(err, &corrupt) {
		return true
	}
	for ; err != nil; err = errors.Unwrap(err) { // brotli's errors are of an unexported type
		if strings.HasPrefix(err.Error(), "brotli:") {
			return true
		}
	}
	return false
}
