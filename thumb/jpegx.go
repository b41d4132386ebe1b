package thumb

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// JPEGs that Go's image/jpeg refuses although libjpeg reads them:
//
//   - arithmetic-coded ones (frame markers SOF9 and SOF10), which only
//     libjpeg-turbo decodes here (ErrArithmetic on the pure-Go path);
//   - four-component (CMYK) ones without an Adobe APP14 segment, which
//     Go's decoder refuses for not knowing whether they are CMYK or YCCK.
//     libjpeg takes them for CMYK, and Pillow reads CMYK in Adobe's
//     inverted convention whether the segment is there or not; decoding
//     them with an Adobe segment of transform 0 (CMYK) added gives
//     Pillow's pixels.

// ErrArithmetic is the error of an arithmetic-coded JPEG on the pure-Go
// path: Go's decoder reads only Huffman-coded ones.
var ErrArithmetic = errors.New("arithmetic-coded JPEG needs libjpeg-turbo")

// JPEG frame markers.
const (
	markSOF0  = 0xc0
	markDHT   = 0xc4
	markJPG   = 0xc8
	markDAC   = 0xcc
	markSOF9  = 0xc9 // extended, arithmetic-coded
	markSOF10 = 0xca // progressive, arithmetic-coded
	markAPP14 = 0xee
	markSOS   = 0xda
)

// jpegSegments calls fn for each marker segment of a JPEG before its
// first scan, with the marker and the segment's payload (after the
// length), until fn returns false. It stops quietly on damaged data.
func jpegSegments(b []byte, fn func(marker byte, seg []byte) bool) {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return
		}
		m := b[i+1]
		switch {
		case m == 0xff: // a fill byte
			i++
			continue
		case m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7):
			i += 2
			continue
		case m == markSOS || m == 0xd9:
			return
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return
		}
		if !fn(m, b[i+4:i+2+n]) {
			return
		}
		i += 2 + n
	}
}

// isFrame reports whether marker starts a frame (SOFn).
func isFrame(m byte) bool {
	return m >= markSOF0 && m <= 0xcf && m != markDHT && m != markJPG && m != markDAC
}

// jpegSource classifies a JPEG that Go's decoder cannot read alone: an
// arithmetic-coded one (its size read from the frame header, for
// libjpeg-turbo), or a four-component one without an Adobe segment (a
// decoder that adds one). ok is false for every other JPEG.
func jpegSource(data []byte) (s source, ok bool, err error) {
	var frame []byte
	var marker byte
	adobe := false
	jpegSegments(data, func(m byte, seg []byte) bool {
		switch {
		case m == markAPP14 && bytes.HasPrefix(seg, []byte("Adobe")):
			adobe = true
		case isFrame(m) && frame == nil:
			frame, marker = seg, m
		}
		return true
	})
	if len(frame) < 6 {
		return s, false, nil
	}
	h, w, nc := int(frame[1])<<8|int(frame[2]), int(frame[3])<<8|int(frame[4]), int(frame[5])
	s = source{format: "jpeg", cfg: image.Config{Width: w, Height: h}}
	switch nc {
	case 1:
		s.cfg.ColorModel = color.GrayModel
	case 3:
		s.cfg.ColorModel = color.YCbCrModel
	case 4:
		s.cfg.ColorModel = color.CMYKModel
	}
	switch {
	case marker == markSOF9 || marker == markSOF10:
		s.arith = true
		switch {
		case frame[0] != 8:
			return s, true, fmt.Errorf("arithmetic-coded JPEG of %d-bit samples: only 8-bit ones are supported", frame[0])
		case nc == 4:
			return s, true, errors.New("arithmetic-coded CMYK JPEG: not supported")
		case nc != 1 && nc != 3:
			return s, true, fmt.Errorf("arithmetic-coded JPEG of %d components: not supported", nc)
		}
		return s, true, nil
	case marker != markSOF0 && marker != 0xc1 && marker != 0xc2:
		return s, true, fmt.Errorf("a lossless or hierarchical JPEG (frame marker %#x): not supported", marker)
	case nc == 4 && !adobe:
		s.decode = decodeCMYKJPEG
		return s, true, nil
	}
	return s, false, nil
}

// adobeCMYK is an Adobe APP14 segment saying "no transform": the four
// components are CMYK.
var adobeCMYK = []byte{0xff, markAPP14, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0}

// withAdobe returns data with the Adobe segment seg inserted after SOI.
func withAdobe(data, seg []byte) []byte {
	out := make([]byte, 0, len(data)+len(seg))
	out = append(out, data[:2]...)
	out = append(out, seg...)
	return append(out, data[2:]...)
}

// decodeCMYKJPEG decodes a four-component JPEG that has no Adobe
// segment as CMYK.
func decodeCMYKJPEG(data []byte, _ bool) (image.Image, string, error) {
	return guard("jpeg", func() (image.Image, string, error) {
		img, err := jpeg.Decode(bytes.NewReader(withAdobe(data, adobeCMYK)))
		return img, "go", err
	})
}
