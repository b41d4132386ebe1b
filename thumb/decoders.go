package thumb

import (
	"github.com/fanout-dev/fanout/internal/libdeflate"
	"github.com/fanout-dev/fanout/internal/turbo"
)

// Decoders says which image decoders, and which WebP encoder, this
// process uses, for `fanout version`.
func Decoders() string {
	jpeg := "fanout's own, DCT-scaled (baseline and progressive, grey, YCbCr, RGB); CMYK and what it finds damaged: Go image/jpeg, full decode then box reduction; no arithmetic-coded JPEGs"
	if ok, err := turbo.Available(); ok {
		jpeg = "libjpeg-turbo via " + turbo.Library + " (DCT-scaled decode, arithmetic-coded JPEGs; CMYK and damaged files fall back to Go)"
	} else {
		jpeg += "; libjpeg-turbo not used: " + err.Error()
	}
	webp := "pure Go, lossless (github.com/HugoSmits86/nativewebp)"
	if ok, err := WebPLossy(); ok {
		webp = "libwebp " + libWebPVersion() + " via " + LibWebP + ", lossy at --quality"
	} else {
		webp += "; libwebp not used: " + err.Error()
	}
	png := "fanout's own, shrunk while decoding (interlaced: Go standard library), "
	if ok, err := libdeflate.Available(); ok {
		png += "inflated by libdeflate via " + libdeflate.Library + " (pure Go, klauspost/compress, with --pure-go)"
	} else {
		png += "inflated in pure Go (klauspost/compress); libdeflate not used: " + err.Error()
	}
	return "thumbs decoders: jpeg: " + jpeg + "; png: " + png + "; gif: Go standard library; webp, bmp, tiff: golang.org/x/image" +
		", and fanout's own for CMYK JPEGs without an Adobe segment, CMYK and JPEG-compressed TIFFs, RLE and bit-field BMPs" +
		"; webp output: " + webp
}
