package thumb

import (
	"image"
	"image/color"
	"math"
)

// idctBasis[n][x][u] is C(u)·cos((2x+1)uπ/2n), C(0) = 1 and √2
// otherwise: the 8-point inverse DCT of the n lowest frequencies, sampled
// at the centres of the n cells a block side is scaled to. With the 1/8
// of JPEG's normalisation this keeps each block's mean.
var idctBasis = func() (t [9][8][8]float32) {
	for _, n := range []int{1, 2, 4, 8} {
		for x := range n {
			for u := range n {
				c := 1.0
				if u > 0 {
					c = math.Sqrt2
				}
				t[n][x][u] = float32(c * math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*n)))
			}
		}
	}
	return t
}()

// idct puts block (bx, by) of c, dequantised coefficients in natural
// order, into c's plane as kx×ky pixels.
func (d *jdec) idct(c *jcomp, blk *[64]int32, bx, by int) {
	kx, ky := c.kx, c.ky
	stride := c.bw * kx
	o := by*ky*stride + bx*kx
	if kx == 1 && ky == 1 {
		// The mean: DC/8, level-shifted by 128, rounded.
		c.plane[o] = clamp8((blk[0] + 128*8 + 4) >> 3)
		return
	}
	bx8, by8 := &idctBasis[kx], &idctBasis[ky]
	var tmp [8][8]float32 // tmp[v][x]: the rows transformed
	for v := range ky {
		row := blk[v*8 : v*8+kx]
		for x := range kx {
			var s float32
			for u, f := range row {
				s += bx8[x][u] * float32(f)
			}
			tmp[v][x] = s
		}
	}
	for y := range ky {
		line := c.plane[o+y*stride : o+y*stride+kx]
		for x := range kx {
			var s float32
			for v := range ky {
				s += by8[y][v] * tmp[v][x]
			}
			line[x] = clamp8(int32(math.Floor(float64(s/8 + 128.5))))
		}
	}
}

// toRGBA assembles the planes, all at the scaled size, into the image,
// w/denom × h/denom rounded up.
func (d *jdec) toRGBA(denom int) *image.RGBA {
	ow, oh := (d.w+denom-1)/denom, (d.h+denom-1)/denom
	img := image.NewRGBA(image.Rect(0, 0, ow, oh))
	row := func(c *jcomp, y int) []byte {
		stride := c.bw * c.kx
		return c.plane[y*stride : (y+1)*stride]
	}
	if len(d.comps) == 1 {
		for y := range oh {
			src, dst := row(&d.comps[0], y), img.Pix[y*img.Stride:]
			for x := range ow {
				g := src[x]
				dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = g, g, g, 255
			}
		}
		return img
	}
	c0, c1, c2 := &d.comps[0], &d.comps[1], &d.comps[2]
	rgb := d.adobe && d.transform == 0 || c0.id == 'R' && c1.id == 'G' && c2.id == 'B'
	for y := range oh {
		r0, r1, r2 := row(c0, y), row(c1, y), row(c2, y)
		dst := img.Pix[y*img.Stride:]
		for x := range ow {
			a, b, c := r0[x], r1[x], r2[x]
			if !rgb {
				a, b, c = color.YCbCrToRGB(a, b, c)
			}
			dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = a, b, c, 255
		}
	}
	return img
}
