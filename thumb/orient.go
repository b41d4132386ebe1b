package thumb

import "image"

// swapsAxes reports whether EXIF orientation o turns the image a quarter.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }

// orient returns src turned upright according to EXIF orientation o
// (1..8), as Pillow's ImageOps.exif_transpose does: 2 mirrors, 3 turns
// 180°, 4 flips, 5 transposes, 6 turns 90° clockwise, 7 transverses, 8
// turns 90° anticlockwise. src's origin is (0, 0).
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if swapsAxes(o) {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			s := src.PixOffset(sx, sy)
			d := dst.PixOffset(x, y)
			copy(dst.Pix[d:d+4], src.Pix[s:s+4])
		}
	}
	return dst
}
