package thumb

import (
	"image"
	"image/draw"
)

// reduce shrinks src by the whole factors fx and fy into a new RGBA image
// whose origin is (0, 0). Each output pixel is the mean of an fx×fy block,
// or of the part of it inside the image at the right and bottom edges, as
// Pillow's Image.reduce does. Any image type is accepted: rows are turned
// into premultiplied RGBA a band at a time, so a large image is never
// copied whole.
func reduce(src image.Image, fx, fy int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if fx <= 1 && fy <= 1 {
		if r, ok := src.(*image.RGBA); ok && b.Min == (image.Point{}) {
			return r
		}
		dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
		draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
		return dst
	}
	fx, fy = max(fx, 1), max(fy, 1)
	switch s := src.(type) {
	case *image.NRGBA:
		return reduceNRGBA(s, fx, fy)
	case *image.YCbCr:
		if dst, ok := reduceYCbCr(s, fx, fy); ok {
			return dst
		}
	}
	ow, oh := (sw+fx-1)/fx, (sh+fy-1)/fy
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))

	rgba, direct := src.(*image.RGBA)
	var band *image.RGBA
	if !direct {
		band = image.NewRGBA(image.Rect(0, 0, sw, fy))
	}
	sums := make([]uint32, ow*4)
	for oy := range oh {
		rows := min(fy, sh-oy*fy)
		clear(sums)
		for r := range rows {
			var row []uint8
			if direct {
				off := rgba.PixOffset(b.Min.X, b.Min.Y+oy*fy+r)
				row = rgba.Pix[off : off+sw*4]
			} else {
				if r == 0 {
					draw.Draw(band, image.Rect(0, 0, sw, rows), src, image.Pt(b.Min.X, b.Min.Y+oy*fy), draw.Src)
				}
				row = band.Pix[r*band.Stride : r*band.Stride+sw*4]
			}
			for ox := range ow {
				x0, x1 := ox*fx*4, min((ox+1)*fx, sw)*4
				var sr, sg, sb, sa uint32
				for i := x0; i < x1; i += 4 {
					q := row[i : i+4 : i+4]
					sr += uint32(q[0])
					sg += uint32(q[1])
					sb += uint32(q[2])
					sa += uint32(q[3])
				}
				s := sums[ox*4 : ox*4+4 : ox*4+4]
				s[0] += sr
				s[1] += sg
				s[2] += sb
				s[3] += sa
			}
		}
		out := dst.Pix[oy*dst.Stride:]
		for ox := range ow {
			n := uint32(rows * (min((ox+1)*fx, sw) - ox*fx))
			s := sums[ox*4 : ox*4+4 : ox*4+4]
			o := out[ox*4 : ox*4+4 : ox*4+4]
			o[0] = uint8((s[0] + n/2) / n)
			o[1] = uint8((s[1] + n/2) / n)
			o[2] = uint8((s[2] + n/2) / n)
			o[3] = uint8((s[3] + n/2) / n)
		}
	}
	return dst
}
