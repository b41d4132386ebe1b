package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"

	"github.com/HugoSmits86/nativewebp"
)

// WebP output. libwebp, loaded at run time when present (libwebp.go),
// writes lossy WebP at Encoder.Quality: a 128 px photo thumbnail in about
// a sixth of PNG's bytes and time. Without it (or in a static build) the
// pure-Go encoder of github.com/HugoSmits86/nativewebp writes lossless
// WebP, which is about PNG's size. No pure-Go lossy encoder that builds
// without cgo, and keeps -tags static builds static, was to be had (see
// README.md).

// WebPLossy reports whether WebP thumbnails are lossy, at Encoder.Quality,
// because libwebp is loaded; err says why not.
func WebPLossy() (bool, error) {
	err := loadLibWebP()
	return err == nil, err
}

// stampChunk is the FourCC of the WebP chunk that holds the settings stamp
// (see Encoder.Stamp); readers ignore chunks they do not know.
const stampChunk = "FNST"

// encodeWebP writes img, a premultiplied thumbnail, as a WebP file: lossy
// through libwebp when lossy is set, else lossless in pure Go; with the
// ICC profile icc and the stamp when they are not empty.
func encodeWebP(img *image.RGBA, quality int, lossy bool, icc []byte, stamp string) ([]byte, error) {
	n := straight(img)
	var file []byte
	if lossy {
		var err error
		if file, err = encodeLibWebP(n, quality); err != nil {
			return nil, err
		}
	} else {
		var buf bytes.Buffer
		if err := nativewebp.Encode(&buf, n, nil); err != nil {
			return nil, err
		}
		file = buf.Bytes()
	}
	if len(icc) == 0 && stamp == "" {
		return file, nil
	}
	return webpExtended(file, img.Rect.Dx(), img.Rect.Dy(), !img.Opaque(), icc, stamp)
}

// straight returns img with its alpha unpremultiplied.
func straight(img *image.RGBA) *image.NRGBA {
	n := image.NewNRGBA(image.Rect(0, 0, img.Rect.Dx(), img.Rect.Dy()))
	for y := range n.Rect.Dy() {
		src := img.Pix[y*img.Stride : y*img.Stride+4*n.Rect.Dx()]
		dst := n.Pix[y*n.Stride:]
		copy(dst, src)
		for i := 0; i < len(src); i += 4 {
			if a := src[i+3]; a != 255 && a != 0 {
				q := dst[i : i+3 : i+3]
				q[0], q[1], q[2] = unpremul(q[0], a), unpremul(q[1], a), unpremul(q[2], a)
			}
		}
	}
	return n
}

// webpExtended rewrites a WebP file in the extended format (VP8X), with
// an ICCP chunk holding icc and a stamp chunk: VP8X, ICCP, FNST, then the
// image's own ALPH and VP8 or VP8L chunks.
func webpExtended(file []byte, w, h int, alpha bool, icc []byte, stamp string) ([]byte, error) {
	if len(file) < 12 || string(file[:4]) != "RIFF" || string(file[8:12]) != "WEBP" {
		return nil, errors.New("the encoder wrote no WebP file")
	}
	var pic, alph []byte
	for i := 12; i+8 <= len(file); {
		id := string(file[i : i+4])
		n := int(binary.LittleEndian.Uint32(file[i+4:]))
		if n < 0 || n > len(file)-i-8 {
			return nil, errors.New("the encoder wrote a damaged WebP file")
		}
		chunk := file[i : i+8+n+n&1]
		switch id {
		case "VP8 ", "VP8L":
			pic = chunk
		case "ALPH":
			alph = chunk
		}
		i += len(chunk)
	}
	if pic == nil {
		return nil, errors.New("the encoder wrote a WebP file without an image")
	}
	var flags byte
	if len(icc) > 0 {
		flags |= 0x20
	}
	if alph != nil || (alpha && string(pic[:4]) == "VP8L") {
		flags |= 0x10
	}
	vp8x := []byte{flags, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	vp8x = append(vp8x, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	out := []byte("RIFF\x00\x00\x00\x00WEBP")
	out = riffChunk(out, "VP8X", vp8x)
	if len(icc) > 0 {
		out = riffChunk(out, "ICCP", icc)
	}
	if stamp != "" {
		out = riffChunk(out, stampChunk, []byte(stamp))
	}
	out = append(append(out, alph...), pic...)
	if len(out) > 1<<32-1 {
		return nil, fmt.Errorf("WebP file of %d bytes: too large", len(out))
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// riffChunk appends the chunk id holding data, padded to an even length.
func riffChunk(out []byte, id string, data []byte) []byte {
	out = append(out, id...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)&1 == 1 {
		out = append(out, 0)
	}
	return out
}
