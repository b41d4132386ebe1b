package thumb

import (
	"bytes"
	"image"

	xwebp "golang.org/x/image/webp"
)

// source is what the header of an image file says, and how to decode it
// when the decoders of the standard library and golang.org/x/image
// ("Go's decoders") cannot: fanout reads some files they refuse but
// Pillow and libjpeg read (jpegx.go, tiffx.go, bmpx.go).
type source struct {
	cfg    image.Config
	format string // jpeg, png, gif, webp, bmp, tiff
	// arith marks an arithmetic-coded JPEG: only libjpeg-turbo decodes it.
	arith bool
	// decode is fanout's own decoder of the file; nil means Go's. It may
	// use libjpeg-turbo where turbo is set, and says which decoder it used.
	decode func(data []byte, turbo bool) (img image.Image, decoder string, err error)
}

// webpMagic is how a WebP file starts, "????" being its length.
const webpMagic = "RIFF????WEBPVP8"

func isWebP(b []byte) bool {
	if len(b) < len(webpMagic) {
		return false
	}
	for i := range len(webpMagic) {
		if webpMagic[i] != '?' && b[i] != webpMagic[i] {
			return false
		}
	}
	return true
}

// sniff finds the format of data by content and reads its header, with
// fanout's own readers first for the kinds of file Go's decoders refuse.
// The error is that of the header; image.ErrFormat when the format is
// unknown.
func sniff(data []byte) (source, error) {
	var (
		s   source
		ok  bool
		err error
	)
	switch {
	case isWebP(data):
		// Straight to golang.org/x/image/webp: the package that encodes
		// WebP registers a decoder of its own for image.Decode.
		cfg, _, err := guard("webp", func() (image.Config, string, error) {
			c, err := xwebp.DecodeConfig(bytes.NewReader(data))
			return c, "webp", err
		})
		return source{cfg: cfg, format: "webp"}, err
	case bytes.HasPrefix(data, []byte{0xff, 0xd8}):
		s, ok, err = jpegSource(data)
	case bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*")):
		s, ok, err = tiffSource(data)
	case bytes.HasPrefix(data, []byte("BM")):
		s, ok, err = bmpSource(data)
	}
	if ok {
		return s, err
	}
	cfg, format, err := guard("image", func() (image.Config, string, error) { return image.DecodeConfig(bytes.NewReader(data)) })
	return source{cfg: cfg, format: format}, err
}

// decodeFull decodes the whole image with fanout's own decoder for s or
// with Go's, and names the decoder used: "go", or "libjpeg-turbo" when
// turbo allows it.
func (s source) decodeFull(data []byte, turbo bool) (image.Image, string, error) {
	if s.decode != nil {
		return s.decode(data, turbo)
	}
	img, _, err := guard(s.format, func() (image.Image, string, error) {
		if s.format == "webp" {
			img, err := xwebp.Decode(bytes.NewReader(data))
			return img, "webp", err
		}
		return image.Decode(bytes.NewReader(data))
	})
	return img, "go", err
}
