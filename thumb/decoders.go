package thumb

import "github.com/fanout-dev/fanout/internal/turbo"

// Decoders says which image decoders this process uses, for
// `fanout version`.
func Decoders() string {
	jpeg := "Go image/jpeg (full decode, then box reduction)"
	if ok, err := turbo.Available(); ok {
		jpeg = "libjpeg-turbo via " + turbo.Library + " (DCT-scaled decode; CMYK and damaged files fall back to Go)"
	} else {
		jpeg += "; libjpeg-turbo not used: " + err.Error()
	}
	return "thumbs decoders: jpeg: " + jpeg + "; png, gif: Go standard library; webp, bmp, tiff: golang.org/x/image"
}
