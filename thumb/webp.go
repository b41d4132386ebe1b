package thumb

import "image"

// webpRGBA converts a lossy WebP picture, as golang.org/x/image/webp
// returns it, to premultiplied RGBA. VP8 stores studio-swing BT.601
// YCbCr (Y in 16..235), unlike JPEG's full range, which is what Go's
// color.YCbCr assumes: converting it as JPEG would wash out the colours.
// The conversion is libwebp's, in 14-bit fixed point.
func webpRGBA(src image.Image) image.Image {
	var y *image.YCbCr
	var alpha []uint8
	var astride int
	switch s := src.(type) {
	case *image.NYCbCrA:
		y, alpha, astride = &s.YCbCr, s.A, s.AStride
	case *image.YCbCr:
		y = s
	default:
		return src
	}
	r := y.Rect
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for py := r.Min.Y; py < r.Max.Y; py++ {
		out := dst.Pix[(py-r.Min.Y)*dst.Stride:]
		for px := r.Min.X; px < r.Max.X; px++ {
			yy := int32(y.Y[y.YOffset(px, py)])
			ci := y.COffset(px, py)
			cb, cr := int32(y.Cb[ci]), int32(y.Cr[ci])
			// libwebp's VP8YUVToR/G/B: MultHi(v, k) = v*k >> 8, then >> 6.
			yv := (yy * 19077) >> 8
			rv := (yv + (cr*26149)>>8 - 14234) >> 6
			gv := (yv - (cb*6419)>>8 - (cr*13320)>>8 + 8708) >> 6
			bv := (yv + (cb*33050)>>8 - 17685) >> 6
			o := out[(px-r.Min.X)*4 : (px-r.Min.X)*4+4 : (px-r.Min.X)*4+4]
			o[0], o[1], o[2], o[3] = clamp8(rv), clamp8(gv), clamp8(bv), 255
			if alpha != nil {
				a := uint32(alpha[(py-r.Min.Y)*astride+(px-r.Min.X)])
				o[0] = uint8((uint32(o[0])*a + 127) / 255)
				o[1] = uint8((uint32(o[1])*a + 127) / 255)
				o[2] = uint8((uint32(o[2])*a + 127) / 255)
				o[3] = uint8(a)
			}
		}
	}
	return dst
}

func clamp8(v int32) uint8 {
	return uint8(min(max(v, 0), 255))
}
