package thumb

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"io"
	"iter"
	"os"
	"sync"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// Budget bounds the memory held by the decodes in flight: an item is
// handed to a worker only once its estimated decode memory fits in what
// the items still being decoded leave free. An item larger than three
// quarters of the budget counts as that much, so that small items still
// run beside it. Items that do not fit yet wait, in order, while
// smaller ones go ahead, so the workers stay busy. Use Schedule to feed the
// engine and set Maker.Budget to the same Budget.
type Budget struct {
	max   int64
	mu    sync.Mutex
	used  int64
	freed chan struct{}
}

// NewBudget returns a Budget of max bytes.
func NewBudget(max int64) *Budget {
	return &Budget{max: max, freed: make(chan struct{}, 1)}
}

// take reserves w bytes if they fit, or if nothing is reserved.
func (b *Budget) take(w int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used > 0 && b.used+w > b.max {
		return false
	}
	b.used += w
	return true
}

// release returns w bytes reserved by take.
func (b *Budget) release(w int64) {
	if b == nil || w == 0 {
		return
	}
	b.mu.Lock()
	b.used -= w
	b.mu.Unlock()
	select {
	case b.freed <- struct{}{}:
	default:
	}
}

// markSOF2 is the JPEG marker of a progressive, Huffman-coded frame.
const markSOF2 = 0xc2

func turboAvailable() bool {
	ok, _ := turbo.Available()
	return ok
}

// maxDeferred is how many items that do not fit yet Schedule holds back
// before it waits for the first of them.
const maxDeferred = 64

// Schedule yields items in their order, except that one whose estimated
// decode memory (read from its header, see DecodeBytes) does not fit yet
// is held back while later ones that fit go first. Each yielded item has
// its memory reserved until Maker.Run has decoded it. It stops when ctx is
// done.
func (b *Budget) Schedule(ctx context.Context, items []Item, o Options) iter.Seq[Item] {
	return b.schedule(ctx, items, func(it Item) int64 { return DecodeBytes(it.Src, o) })
}

// schedule is Schedule with the estimate of an item's memory given.
func (b *Budget) schedule(ctx context.Context, items []Item, weigh func(Item) int64) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		var waiting []Item
		next := 0
		for next < len(items) || len(waiting) > 0 {
			var it Item
			switch {
			case len(waiting) > 0 && b.take(waiting[0].weight):
				it, waiting = waiting[0], waiting[1:]
			case next < len(items) && len(waiting) < maxDeferred:
				it = items[next]
				next++
				it.weight = min(weigh(it), b.max*3/4)
				if !b.take(it.weight) {
					waiting = append(waiting, it)
					continue
				}
			default: // wait for a decode to finish
				select {
				case <-b.freed:
				case <-ctx.Done():
					return
				}
				continue
			}
			if !yield(it) {
				return
			}
		}
	}
}

// DecodeBytes estimates the memory that decoding the image file at path
// takes with options o, from its header: Go's decoder holds every DCT
// coefficient of a progressive JPEG (4 bytes each) beside the image,
// libjpeg-turbo 2 bytes each; other images are decoded whole. A file whose
// header cannot be read counts as nothing: it will fail quickly.
func DecodeBytes(path string, o Options) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	cfg, format, err := image.DecodeConfig(io.MultiReader(bytes.NewReader(head), bufio.NewReader(f)))
	if err != nil {
		return 0
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	if format != "jpeg" {
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
