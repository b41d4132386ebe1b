package thumb

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Box is the size a thumbnail must fit in, in pixels.
type Box struct {
	W int `json:"w"`
	H int `json:"h"`
}

// maxBox is the largest side of a Box.
const maxBox = 1 << 15

// String returns "W" for a square box and "WxH" otherwise.
func (b Box) String() string {
	if b.W == b.H {
		return strconv.Itoa(b.W)
	}
	return fmt.Sprintf("%dx%d", b.W, b.H)
}

// DefaultBoxes are the sizes of fanout's Python notes: 32, 64 and 128 pixels square.
var DefaultBoxes = []Box{{32, 32}, {64, 64}, {128, 128}}

// ParseBoxes parses a comma-separated list of sizes: "N" for an N×N box,
// "WxH" for a W×H one, e.g. "32,64,200x100".
func ParseBoxes(s string) ([]Box, error) {
	var out []Box
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ws, hs, rect := strings.Cut(strings.ToLower(f), "x")
		if !rect {
			hs = ws
		}
		w, errW := strconv.Atoi(ws)
		h, errH := strconv.Atoi(hs)
		if errW != nil || errH != nil || w < 1 || h < 1 || w > maxBox || h > maxBox {
			return nil, fmt.Errorf("thumb: bad size %q: want N or WxH with whole numbers from 1 to 32768", f)
		}
		if slices.Contains(out, Box{w, h}) {
			return nil, fmt.Errorf("thumb: size %dx%d given twice", w, h)
		}
		out = append(out, Box{w, h})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("thumb: no sizes in %q", s)
	}
	return out, nil
}

// Fit returns the size of the thumbnail of a w×h image for box b exactly as
// Pillow's Image.thumbnail computes it: the aspect ratio kept, each side
// rounded to whichever of floor and ceiling keeps the aspect closer (floor
// on a tie), never below 1, and the image left as it is when it fits.
func Fit(w, h int, b Box) (int, int) {
	x, y := b.W, b.H
	if x >= w && y >= h {
		return w, h
	}
	aspect := float64(w) / float64(h)
	if float64(x)/float64(y) >= aspect {
		fy := float64(y)
		x = roundAspect(fy*aspect, func(n float64) float64 { return math.Abs(aspect - n/fy) })
	} else {
		fx := float64(x)
		y = roundAspect(fx/aspect, func(n float64) float64 {
			if n == 0 {
				return 0
			}
			return math.Abs(aspect - fx/n)
		})
	}
	return x, y
}

// roundAspect is Pillow's round_aspect: min(floor, ceil, key=key), at least 1.
func roundAspect(v float64, key func(float64) float64) int {
	lo, hi := math.Floor(v), math.Ceil(v)
	r := lo
	if key(hi) < key(lo) {
		r = hi
	}
	return max(int(r), 1)
}
