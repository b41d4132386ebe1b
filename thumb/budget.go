package thumb

import (
	"cmp"
	"context"
	"sync"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// budget bounds the memory held by the decodes in flight: an item is
// decoded only once its estimated decode memory fits in what the items
// still being decoded leave free, or when nothing else is being decoded.
// An item larger than three quarters of the budget counts as that much, so
// that small items still run beside it.
type budget struct {
	max  int64
	mu   sync.Mutex
	used int64
	wake chan struct{} // closed, and replaced, whenever memory is given back
}

func newBudget(max int64) *budget {
	return &budget{max: max, wake: make(chan struct{})}
}

// acquire reserves w bytes (at most three quarters of the budget), waiting
// until they fit or ctx is done, and returns what it reserved.
func (b *budget) acquire(ctx context.Context, w int64) (int64, error) {
	w = min(w, b.max*3/4)
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+w <= b.max {
			b.used += w
			b.mu.Unlock()
			return w, nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// release gives back w bytes reserved by acquire.
func (b *budget) release(w int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= w
	close(b.wake)
	b.wake = make(chan struct{})
}

// markSOF2 is the JPEG marker of a progressive, Huffman-coded frame.
const markSOF2 = 0xc2

func turboAvailable() bool {
	ok, _ := turbo.Available()
	return ok
}

// decodeBytes estimates the memory that decoding the image file data
// takes with options o, from its header: Go's decoder holds every DCT
// coefficient of a progressive JPEG (4 bytes each) beside the image,
// libjpeg-turbo 2 bytes each; PNGs mostly shrink on load
// (pngDecodeBytes); other images are decoded whole. Data whose
// header cannot be read counts as nothing: it will fail quickly.
func decodeBytes(data []byte, o Options) int64 {
	head := data[:min(len(data), 64<<10)]
	src, err := sniff(data)
	cfg, format := src.cfg, src.format
	if err != nil {
		return 0
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	if limit := cmp.Or(o.MaxPixels, DefaultMaxPixels); limit > 0 && px > limit {
		return 0 // Make refuses it from its header, before any allocation
	}
	switch format {
	case "png":
		return pngDecodeBytes(data, cfg.Width, cfg.Height, o.Boxes, !o.PureGo && libdeflateAvailable())
	case "jpeg":
	default:
		return px * 5 // the image and a box-reduced copy
	}
	progressive, samples := jpegFrame(head)
	perPx := samples // Go's image, in bytes per pixel
	switch turbo := !o.PureGo && turboAvailable(); {
	case progressive && turbo:
		perPx = 2 * samples
	case turbo:
		perPx = samples / 16 // decoded at 1/4 or 1/8, a few rows at a time
	case progressive:
		perPx = 5 * samples
	}
	return int64(float64(px) * perPx)
}

// jpegFrame reads the frame header of a JPEG: whether it is progressive,
// and its samples per pixel over all components (3 for 4:4:4 colour, 2 for
// 4:2:2, 1.5 for 4:2:0, 1 for grey). Without a frame header in head it
// guesses a progressive 4:4:4 frame, the most costly.
func jpegFrame(head []byte) (progressive bool, samples float64) {
	for i := 2; i+4 <= len(head); {
		if head[i] != 0xff {
			break
		}
		m := head[i+1]
		if m == 0xff { // fill byte
			i++
			continue
		}
		n := int(head[i+2])<<8 | int(head[i+3])
		if n < 2 {
			break
		}
		seg := head[i+4 : min(i+2+n, len(head))]
		if m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc {
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) || seg[5] == 0 {
				break
			}
			nc := int(seg[5])
			var maxH, maxV, sum int
			for c := range nc {
				h, v := int(seg[7+3*c]>>4), int(seg[7+3*c]&15)
				if h == 0 || v == 0 {
					return true, 3
				}
				maxH, maxV = max(maxH, h), max(maxV, v)
				sum += h * v
			}
			return m == markSOF2 || m == 0xc6 || m == 0xca || m == 0xce, float64(sum) / float64(maxH*maxV)
		}
		i += 2 + n
	}
	return true, 3
}
