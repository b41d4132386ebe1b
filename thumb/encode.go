package thumb

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
)

// Format is an output file format.
type Format string

// Output formats.
const (
	PNG  Format = "png"
	JPEG Format = "jpeg"
	// WebP is lossy at Encoder.Quality when libwebp is loaded, lossless
	// otherwise (see WebPLossy).
	WebP Format = "webp"
)

// ParseFormat accepts "png", "jpeg" or "jpg", and "webp", in either case.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "png", "PNG":
		return PNG, nil
	case "jpeg", "jpg", "JPEG", "JPG":
		return JPEG, nil
	case "webp", "WEBP", "WebP":
		return WebP, nil
	}
	return "", fmt.Errorf("thumb: unknown output format %q: want png, jpeg or webp", s)
}

// Ext is the file extension of f, without the dot.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return "jpg"
	case WebP:
		return "webp"
	}
	return "png"
}

// DefaultQuality is the JPEG and lossy WebP quality used when none is
// given.
const DefaultQuality = 85

// Encoder writes thumbnails. The zero value writes PNG.
type Encoder struct {
	Format  Format // PNG when empty
	Quality int    // JPEG and lossy WebP quality, 1..100; zero means DefaultQuality
	// Stamp, when not empty, is written into each file before its pixel
	// data (a PNG tEXt chunk "fanout", a JPEG comment, a WebP chunk
	// "FNST"): Job stamps thumbnails with their settings, to know on a
	// re-run whether they are up to date.
	Stamp string
}

var pngEnc = png.Encoder{BufferPool: &pngPool{}}

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}
func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

// Encode writes img, a premultiplied thumbnail, to w: greyscale when gray
// is set and the image is opaque (always, for JPEG), with the ICC profile
// icc embedded when it is not nil and fits the output: an RGB profile in
// colour output, a GRAY one in greyscale output, never one of another
// colour space. JPEG output has no alpha: transparency is flattened on
// white. WebP output is in colour, with alpha.
func (e Encoder) Encode(w io.Writer, img *image.RGBA, gray bool, icc []byte) error {
	var buf bytes.Buffer
	q := e.Quality
	if q == 0 {
		q = DefaultQuality
	}
	switch e.Format {
	case WebP:
		if !profileFits(icc, false) {
			icc = nil
		}
		lossy, _ := WebPLossy()
		file, err := encodeWebP(img, q, lossy, icc, e.Stamp)
		if err != nil {
			return fmt.Errorf("encode webp: %w", err)
		}
		return writeAll(w, file)
	case JPEG:
		var out image.Image = onWhite(img)
		if gray {
			out = toGray(out.(*image.RGBA))
		}
		if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: q}); err != nil {
			return fmt.Errorf("encode jpeg: %w", err)
		}
		if !profileFits(icc, gray) {
			icc = nil
		}
		return writeAll(w, buf.Bytes()[:2], jpegICC(icc), jpegStamp(e.Stamp), buf.Bytes()[2:])
	case PNG, "":
		var out image.Image = img
		gray = gray && img.Opaque()
		if gray {
			out = toGray(img)
		}
		if !profileFits(icc, gray) {
			icc = nil
		}
		if err := pngEnc.Encode(&buf, out); err != nil {
			return fmt.Errorf("encode png: %w", err)
		}
		// The IHDR chunk ends at byte 33; iCCP must come before PLTE and IDAT.
		return writeAll(w, buf.Bytes()[:33], pngICC(icc), pngStamp(e.Stamp), buf.Bytes()[33:])
	}
	return fmt.Errorf("thumb: unknown output format %q", e.Format)
}

func writeAll(w io.Writer, parts ...[]byte) error {
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// onWhite composites a premultiplied image over opaque white.
func onWhite(img *image.RGBA) *image.RGBA {
	if img.Opaque() {
		return img
	}
	out := image.NewRGBA(img.Rect)
	for i := 0; i < len(img.Pix); i += 4 {
		a := 255 - img.Pix[i+3]
		out.Pix[i] = img.Pix[i] + a
		out.Pix[i+1] = img.Pix[i+1] + a
		out.Pix[i+2] = img.Pix[i+2] + a
		out.Pix[i+3] = 255
	}
	return out
}

// toGray keeps the first channel of an opaque image whose channels are
// equal.
func toGray(img *image.RGBA) *image.Gray {
	g := image.NewGray(img.Rect)
	for i, j := 0, 0; i < len(img.Pix); i, j = i+4, j+1 {
		g.Pix[j] = img.Pix[i]
	}
	return g
}

// pngICC returns an iCCP chunk holding profile, or nil.
func pngICC(profile []byte) []byte {
	if len(profile) == 0 {
		return nil
	}
	var data bytes.Buffer
	data.WriteString("ICC Profile\x00\x00") // name, NUL, compression method 0
	zw, _ := zlib.NewWriterLevel(&data, zlib.BestCompression)
	zw.Write(profile)
	zw.Close()
	chunk := make([]byte, 8, 12+data.Len())
	binary.BigEndian.PutUint32(chunk, uint32(data.Len()))
	copy(chunk[4:], "iCCP")
	chunk = append(chunk, data.Bytes()...)
	return binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
}

// jpegICC returns the APP2 segments holding profile, or nil.
func jpegICC(profile []byte) []byte {
	const max = 65535 - 2 - 14
	n := (len(profile) + max - 1) / max
	if n == 0 || n > 255 {
		return nil
	}
	var out []byte
	for i := range n {
		part := profile[i*max : min((i+1)*max, len(profile))]
		out = append(out, 0xFF, 0xE2)
		out = binary.BigEndian.AppendUint16(out, uint16(2+14+len(part)))
		out = append(out, "ICC_PROFILE\x00"...)
		out = append(out, byte(i+1), byte(n))
		out = append(out, part...)
	}
	return out
}
