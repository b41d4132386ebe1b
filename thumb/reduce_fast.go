package thumb

import (
	"image"
	"image/color"
)

// reduceNRGBA is reduce for straight-alpha sources (PNGs with alpha):
// it premultiplies while summing, with no intermediate copy.
func reduceNRGBA(src *image.NRGBA, fx, fy int) *image.RGBA {
	b := src.Rect
	sw, sh := b.Dx(), b.Dy()
	ow, oh := (sw+fx-1)/fx, (sh+fy-1)/fy
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	sums := make([]uint64, ow*4)
	for oy := range oh {
		rows := min(fy, sh-oy*fy)
		clear(sums)
		for r := range rows {
			off := src.PixOffset(b.Min.X, b.Min.Y+oy*fy+r)
			row := src.Pix[off : off+sw*4]
			for ox := range ow {
				var sr, sg, sb, sa uint64
				for i := ox * fx * 4; i < min((ox+1)*fx, sw)*4; i += 4 {
					q := row[i : i+4 : i+4]
					a := uint64(q[3])
					sr += uint64(q[0]) * a
					sg += uint64(q[1]) * a
					sb += uint64(q[2]) * a
					sa += a
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
			n := uint64(rows * (min((ox+1)*fx, sw) - ox*fx))
			s := sums[ox*4 : ox*4+4 : ox*4+4]
			o := out[ox*4 : ox*4+4 : ox*4+4]
			n255 := n * 255
			o[0] = uint8((s[0] + n255/2) / n255)
			o[1] = uint8((s[1] + n255/2) / n255)
			o[2] = uint8((s[2] + n255/2) / n255)
			o[3] = uint8((s[3] + n/2) / n)
		}
	}
	return dst
}

// chromaShift returns how many bits the chroma planes of a YCbCr image are
// subsampled by horizontally and vertically.
func chromaShift(r image.YCbCrSubsampleRatio) (sx, sy int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 0, 0, true
	case image.YCbCrSubsampleRatio422:
		return 1, 0, true
	case image.YCbCrSubsampleRatio420:
		return 1, 1, true
	case image.YCbCrSubsampleRatio440:
		return 0, 1, true
	}
	return 0, 0, false
}

// reduceYCbCr is reduce for JPEG's full-range YCbCr (Go's decoder
// output): it averages Y, Cb and Cr over each block and converts once per
// output pixel, instead of converting every source pixel. The conversion
// is affine, so the result differs from converting first only by rounding.
func reduceYCbCr(src *image.YCbCr, fx, fy int) (*image.RGBA, bool) {
	csx, csy, ok := chromaShift(src.SubsampleRatio)
	if !ok {
		return nil, false
	}
	b := src.Rect
	sw, sh := b.Dx(), b.Dy()
	ow, oh := (sw+fx-1)/fx, (sh+fy-1)/fy
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	sums := make([]uint32, ow*3)
	cx0, cy0 := b.Min.X>>csx, b.Min.Y>>csy
	for oy := range oh {
		rows := min(fy, sh-oy*fy)
		clear(sums)
		for r := range rows {
			py := b.Min.Y + oy*fy + r
			yrow := src.Y[(py-b.Min.Y)*src.YStride:]
			crow := (py>>csy - cy0) * src.CStride
			cb, cr := src.Cb[crow:], src.Cr[crow:]
			for ox := range ow {
				var sy, sb, sr uint32
				for x := ox * fx; x < min((ox+1)*fx, sw); x++ {
					ci := (b.Min.X+x)>>csx - cx0
					sy += uint32(yrow[x])
					sb += uint32(cb[ci])
					sr += uint32(cr[ci])
				}
				s := sums[ox*3 : ox*3+3 : ox*3+3]
				s[0] += sy
				s[1] += sb
				s[2] += sr
			}
		}
		out := dst.Pix[oy*dst.Stride:]
		for ox := range ow {
			n := uint32(rows * (min((ox+1)*fx, sw) - ox*fx))
			s := sums[ox*3 : ox*3+3 : ox*3+3]
			rr, gg, bb := color.YCbCrToRGB(uint8((s[0]+n/2)/n), uint8((s[1]+n/2)/n), uint8((s[2]+n/2)/n))
			o := out[ox*4 : ox*4+4 : ox*4+4]
			o[0], o[1], o[2], o[3] = rr, gg, bb, 255
		}
	}
	return dst, true
}
