package thumb

import (
	"errors"
	"fmt"
	"image"
)

// shrinkPNG is shrinkDecode for PNGs that shrink on load: those not
// interlaced and reduced by more than 1 on some axis. ok is false for the
// others, which take the full decode.
func shrinkPNG(data []byte, in source, big image.Point, pureGo bool, set *Set) (img *image.RGBA, ew, eh float64, ok bool, err error) {
	if in.format != "png" {
		return nil, 0, 0, false, nil
	}
	w, h := in.cfg.Width, in.cfg.Height
	fx, fy := reduction(w, big.X), reduction(h, big.Y)
	if fx <= 1 && fy <= 1 {
		return nil, 0, 0, false, nil
	}
	// guard: the inflater is not fanout's own (FuzzPNGShrink calls
	// pngShrink unguarded, to find fanout's own bugs).
	whole := !pureGo && libdeflateAvailable()
	img, _, err = guard("png", func() (*image.RGBA, string, error) {
		m, err := pngShrink(data, fx, fy, whole)
		return m, "go", err
	})
	switch {
	case errors.Is(err, errPNGInterlaced):
		return nil, 0, 0, false, nil
	case err != nil:
		return nil, 0, 0, true, fmt.Errorf("decode png: %w", describe(err))
	}
	set.Decoder = "go"
	return img, float64(w) / float64(fx), float64(h) / float64(fy), true, nil
}

// pngDecodeBytes estimates the memory that decoding a PNG takes: for an
// interlaced one, a full decode (the image and a box-reduced copy, 5
// bytes a pixel); otherwise two rows of samples and one of 8-bit RGBA,
// the inflater, the pre-shrunk image, at most 4 times the largest box on
// each side (see reduction), and the sums of one of its rows; with whole
// (libdeflate in use), every row of samples too where pngWhole allows
// it. An image that small is decoded whole: the estimate counts it at 5
// bytes a pixel.
func pngDecodeBytes(data []byte, width, height int, boxes []Box, whole bool) int64 {
	px := int64(width) * int64(height)
	full := px * 5
	if len(data) < 29 || data[28] != 0 { // interlaced, or no header to tell
		return full
	}
	if len(boxes) == 0 {
		boxes = DefaultBoxes
	}
	side := 0
	for _, b := range boxes {
		side = max(side, b.W, b.H)
	}
	mid := min(px, int64(4*side+1)*int64(4*side+1))
	rows := int64(width)*20 + 2 // two rows of 16-bit RGBA at most, and one of 8-bit RGBA
	const inflater = 64 << 10
	est := rows + inflater + mid*5 + int64(4*side+1)*32
	if depth, ctype := int(data[24]), int(data[25]); whole && ctype < len(pngChannels) && pngChannels[ctype] > 0 {
		rowBytes := (width*pngChannels[ctype]*depth + 7) / 8
		if pngWhole(width, height, rowBytes) {
			est += int64(height) * int64(rowBytes+1)
		}
	}
	return est
}
