package thumb

import (
	"image"
	"math"
)

// precisionBits is the fixed-point precision of the filter weights, as in
// Pillow's 8-bit resampler: 32 bits less 8 for the pixel and 2 for sign and
// overshoot.
const precisionBits = 32 - 8 - 2

// cubic is the Catmull-Rom kernel (a = -0.5), Pillow's BICUBIC; support 2.
func cubic(x float64) float64 {
	const a = -0.5
	x = math.Abs(x)
	switch {
	case x < 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return (((x-5)*x+8)*x - 4) * a
	}
	return 0
}

// taps holds, for each output pixel along one axis, the first input pixel,
// how many input pixels it reads, and their fixed-point weights.
type taps struct {
	first, n []int
	k        []int32 // len(first) rows of ksize weights
	ksize    int
}

// makeTaps computes the filter taps that map the span [0, extent) of an
// axis of inSize pixels onto outSize pixels. The kernel is stretched by the
// reduction factor, so downscaling is antialiased. The arithmetic follows
// Pillow's precompute_coeffs, so the sample positions agree with it.
func makeTaps(inSize int, extent float64, outSize int) taps {
	scale := extent / float64(outSize)
	fscale := max(scale, 1)
	support := 2 * fscale
	ksize := int(math.Ceil(support))*2 + 1
	t := taps{first: make([]int, outSize), n: make([]int, outSize), k: make([]int32, outSize*ksize), ksize: ksize}
	w := make([]float64, ksize)
	for x := range outSize {
		center := (float64(x) + 0.5) * scale
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), inSize)
		n := min(hi-lo, ksize)
		sum := 0.0
		for i := range n {
			w[i] = cubic((float64(i+lo) - center + 0.5) / fscale)
			sum += w[i]
		}
		row := t.k[x*ksize : x*ksize+ksize]
		for i := range n {
			v := w[i]
			if sum != 0 {
				v /= sum
			}
			if v < 0 {
				row[i] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				row[i] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		t.first[x], t.n[x] = lo, max(n, 0)
	}
	return t
}

func clip8(v int32) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// resample scales the region [0, ew) × [0, eh) of src, a premultiplied
// RGBA image whose origin is (0, 0), to w×h pixels with the Catmull-Rom
// filter: first along rows, then along columns, each pass only where the
// size changes.
func resample(src *image.RGBA, ew, eh float64, w, h int) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	tx := makeTaps(sw, ew, w)
	ty := makeTaps(sh, eh, h)
	// Rows the vertical pass will read.
	y0 := ty.first[0]
	y1 := ty.first[h-1] + ty.n[h-1]
	for y := range h {
		y0 = min(y0, ty.first[y])
		y1 = max(y1, ty.first[y]+ty.n[y])
	}

	// Horizontal pass into tmp, holding rows y0..y1 of the input.
	tmp := image.NewRGBA(image.Rect(0, 0, w, y1-y0))
	const half = 1 << (precisionBits - 1)
	for y := y0; y < y1; y++ {
		in := src.Pix[y*src.Stride : y*src.Stride+sw*4]
		out := tmp.Pix[(y-y0)*tmp.Stride:]
		for x := range w {
			k := tx.k[x*tx.ksize : x*tx.ksize+tx.n[x]]
			p := in[tx.first[x]*4:]
			r, g, b, a := int32(half), int32(half), int32(half), int32(half)
			for i, c := range k {
				q := p[i*4 : i*4+4 : i*4+4]
				r += int32(q[0]) * c
				g += int32(q[1]) * c
				b += int32(q[2]) * c
				a += int32(q[3]) * c
			}
			o := out[x*4 : x*4+4 : x*4+4]
			o[0], o[1], o[2], o[3] = clip8(r), clip8(g), clip8(b), clip8(a)
		}
	}

	// Vertical pass into dst.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		k := ty.k[y*ty.ksize : y*ty.ksize+ty.n[y]]
		base := (ty.first[y] - y0) * tmp.Stride
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for x := 0; x < w*4; x += 4 {
			r, g, b, a := int32(half), int32(half), int32(half), int32(half)
			off := base + x
			for _, c := range k {
				q := tmp.Pix[off : off+4 : off+4]
				r += int32(q[0]) * c
				g += int32(q[1]) * c
				b += int32(q[2]) * c
				a += int32(q[3]) * c
				off += tmp.Stride
			}
			av := clip8(a)
			// Keep the premultiplied invariant (colour never above alpha)
			// that the filter's overshoot may break.
			out[x], out[x+1], out[x+2], out[x+3] = min(clip8(r), av), min(clip8(g), av), min(clip8(b), av), av
		}
	}
	return dst
}
