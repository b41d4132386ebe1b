package thumb

import (
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

// TestColourCost measures what colour management costs a thumbs run on
// the images of the folder FANOUT_COLOUR_COST_DIR (skipped without it;
// bench/thumbs/colour sets it): each image's PNG thumbnails at the
// default sizes are made with KeepProfile (no conversion) and by default
// (converted), alternately, FANOUT_COLOUR_COST_RUNS times (default 5),
// and the fastest time of each is kept, which a machine busy with other
// work disturbs least. It logs the sums and their ratio; reading the
// files is left out, so the ratio is, if anything, larger than a run's.
// The thumbnails are encoded without a profile either way: a copied RGB
// profile keeps an opaque grey thumbnail from being written as a grey
// PNG, which makes --keep-profile slower to encode, not the conversion
// faster.
func TestColourCost(t *testing.T) {
	dir := os.Getenv("FANOUT_COLOUR_COST_DIR")
	if dir == "" {
		t.Skip("FANOUT_COLOUR_COST_DIR not set (bench/thumbs/colour sets it)")
	}
	runs, err := strconv.Atoi(os.Getenv("FANOUT_COLOUR_COST_RUNS"))
	if err != nil || runs < 1 {
		runs = 5
	}
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no images in %s: %v", dir, err)
	}
	sort.Strings(names)
	one := func(data []byte, keep bool) time.Duration {
		start := time.Now()
		set, err := Make(data, Options{KeepProfile: keep})
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range set.Thumbs {
			if err := (Encoder{Format: PNG}).Encode(io.Discard, th, set.Gray, nil); err != nil {
				t.Fatal(err)
			}
		}
		return time.Since(start)
	}
	// step times the colour work alone for an RGB or grey source: the
	// planning and the conversion of its pre-shrunk image (a CMYK JPEG's
	// conversion is part of its decode, and is in the ratio only).
	step := func(data []byte) time.Duration {
		src, err := checkHeader(data, 0)
		if err != nil {
			t.Fatal(err)
		}
		m := readMeta(src.format, data)
		gray := src.cfg.ColorModel == color.GrayModel || src.cfg.ColorModel == color.Gray16Model
		var big image.Point
		for _, b := range DefaultBoxes {
			w, h := Fit(src.cfg.Width, src.cfg.Height, b)
			big.X, big.Y = max(big.X, w), max(big.Y, h)
		}
		mid, _, _, err := shrinkDecode(data, src, big, false, &Set{})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c := planColour(m, gray || m.grayAlpha, false)
		planLCMS(&c, src)
		if c.lcms != lcmsCMYK {
			c.convert(mid)
		}
		return time.Since(start)
	}
	var keepSum, convSum, stepSum time.Duration
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		keep, conv, colour := time.Duration(1<<62), time.Duration(1<<62), time.Duration(1<<62)
		for r := range runs {
			colour = min(colour, step(data))
			if r%2 == 0 {
				keep = min(keep, one(data, true))
				conv = min(conv, one(data, false))
			} else {
				conv = min(conv, one(data, false))
				keep = min(keep, one(data, true))
			}
		}
		keepSum += keep
		convSum += conv
		stepSum += colour
	}
	t.Logf("%s: %d images, fastest of %d each: --keep-profile %.2f s, default %.2f s, ratio %.3f; the colour step alone %.3f s, %.1f%% of the default's time",
		dir, len(names), runs, keepSum.Seconds(), convSum.Seconds(), convSum.Seconds()/keepSum.Seconds(), stepSum.Seconds(), 100*stepSum.Seconds()/convSum.Seconds())
}
