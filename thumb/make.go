package thumb

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // registers the decoders that image.Decode finds by content
	_ "image/jpeg"
	_ "image/png"
	"io"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/fanout-dev/fanout/internal/turbo"
)

// DefaultMaxPixels is the largest image, in pixels, that Make decodes when
// Options.MaxPixels is zero: 100 megapixels.
const DefaultMaxPixels = 100_000_000

// Options configure Make. The zero value makes the notes' 32, 64 and 128
// pixel thumbnails, upright, of images up to 100 megapixels, with
// libjpeg-turbo when it is present.
type Options struct {
	// Boxes are the sizes to make; nil means DefaultBoxes.
	Boxes []Box
	// MaxPixels refuses, before decoding, an image with more pixels than
	// this. Zero means DefaultMaxPixels; negative means no limit.
	MaxPixels int64
	// NoRotate keeps the pixels as stored, ignoring EXIF orientation.
	NoRotate bool
	// PureGo never uses libjpeg-turbo, even when it is present.
	PureGo bool
	// KeepProfile leaves the pixels as they are and keeps the source's
	// ICC profile for the output (Set.ICC) instead of converting matrix/TRC
	// RGB and grey sources to sRGB. A profile whose colour space does not
	// fit the output is dropped all the same (see Set.Warning).
	KeepProfile bool
}

// Set is the thumbnails of one image.
type Set struct {
	Format  string        // the format found by content: jpeg, png, gif, webp, bmp, tiff
	Decoder string        // "libjpeg-turbo" or "go"
	Width   int           // the image's width, upright
	Height  int           // the image's height, upright
	Thumbs  []*image.RGBA // one per box, in the order of Options.Boxes; premultiplied
	Gray    bool          // the image has no colour: write it as greyscale
	// ICC is the profile to embed in the output: nil when the thumbnails
	// were converted to sRGB (the default for matrix/TRC RGB and grey
	// profiles) or the source had none; otherwise the source's own, which
	// fits the output's colour space (RGB, or GRAY for greyscale output).
	ICC []byte
	// Warning, when not empty, is one line saying why the source's profile
	// was dropped (it does not fit the output, is damaged or too large) or
	// not applied (Little CMS, which would apply it, is not loaded).
	Warning string
}

// Errors for input that is not a usable image. Make wraps them with
// details; test them with errors.Is.
var (
	ErrEmpty    = errors.New("empty file")
	ErrNotImage = errors.New("not an image (unknown format)")
	ErrTooLarge = errors.New("image too large")
)

// Make decodes one encoded image, once, and makes a thumbnail for every
// box. The format is found from the content, never from a file name. The
// header is checked before any pixel is decoded: an image larger than
// Options.MaxPixels is refused with ErrTooLarge.
func Make(data []byte, o Options) (*Set, error) {
	boxes := o.Boxes
	if len(boxes) == 0 {
		boxes = DefaultBoxes
	}
	src, err := checkHeader(data, o.MaxPixels)
	if err != nil {
		return nil, err
	}
	cfg, format := src.cfg, src.format
	m := readMeta(format, data)
	if o.NoRotate {
		m.orientation = 1
	}
	rot := swapsAxes(m.orientation)

	// The stored-space size of each thumbnail: fitted upright, like Pillow
	// after exif_transpose, then turned back to how the pixels are stored.
	uw, uh := cfg.Width, cfg.Height
	if rot {
		uw, uh = uh, uw
	}
	sizes := make([]image.Point, len(boxes))
	var big image.Point
	for i, b := range boxes {
		w, h := Fit(uw, uh, b)
		if rot {
			w, h = h, w
		}
		sizes[i] = image.Pt(w, h)
		big.X, big.Y = max(big.X, w), max(big.Y, h)
	}

	set := &Set{Format: format, Width: uw, Height: uh,
		Gray: cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.Gray16Model}
	colour := planColour(m, set.Gray || m.grayAlpha, o.KeepProfile)
	planLCMS(&colour, src)
	mid, ew, eh, err := colour.decode(data, src, big, o.PureGo, set)
	if err != nil {
		return nil, err
	}
	colour.convert(mid) // pre-shrunk, before the resizing: see colour.go
	for _, s := range sizes {
		t := thumbFrom(mid, ew, eh, s.X, s.Y)
		set.Thumbs = append(set.Thumbs, orient(t, m.orientation))
	}
	colour.finish(set)
	return set, nil
}

// checkHeader finds the format by content and the size from the header,
// and refuses images above maxPixels.
func checkHeader(data []byte, maxPixels int64) (source, error) {
	if len(data) == 0 {
		return source{}, ErrEmpty
	}
	src, err := sniff(data)
	cfg, format := src.cfg, src.format
	switch {
	case errors.Is(err, image.ErrFormat):
		return src, ErrNotImage
	case err != nil:
		return src, fmt.Errorf("read %s header: %w", format, describe(err))
	case cfg.Width <= 0 || cfg.Height <= 0:
		return src, fmt.Errorf("read %s header: image is %d×%d", format, cfg.Width, cfg.Height)
	}
	if maxPixels == 0 {
		maxPixels = DefaultMaxPixels
	}
	if px := int64(cfg.Width) * int64(cfg.Height); maxPixels > 0 && px > maxPixels {
		return src, fmt.Errorf("%w: %d×%d is %s, above the limit of %s (a decompression bomb?)",
			ErrTooLarge, cfg.Width, cfg.Height, megapixels(px), megapixels(maxPixels))
	}
	return src, nil
}

// megapixels writes a pixel count for people: "900.0 MP", or "100 pixels"
// for a count too small to show in megapixels.
func megapixels(px int64) string {
	if px < 100_000 {
		return fmt.Sprintf("%d pixels", px)
	}
	return fmt.Sprintf("%.1f MP", float64(px)/1e6)
}

// describe names the usual cause of an unexpected end of data.
func describe(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("truncated file: %w", err)
	}
	return err
}

// shrinkDecode decodes the image into premultiplied RGBA no smaller than
// twice the largest thumbnail where the input allows: JPEGs through
// libjpeg-turbo's DCT scaling when present, else through fanout's own
// (jpegscale.go), PNGs a row at a time, everything else by a full decode
// and a box reduction. It returns the image and the extent in it
// that covers the whole source, which is fractional after scaling. An
// arithmetic-coded JPEG is decoded by libjpeg-turbo or not at all.
func shrinkDecode(data []byte, in source, big image.Point, pureGo bool, set *Set) (*image.RGBA, float64, float64, error) {
	format, cfg := in.format, in.cfg
	w, h := cfg.Width, cfg.Height
	denom := 8 // the DCT scaling of a JPEG: as small as leaves twice the largest box
	for denom > 1 && (w/(2*big.X) < denom || h/(2*big.Y) < denom) {
		denom /= 2
	}
	turboTried := false
	if format == "jpeg" && !pureGo && cfg.ColorModel != color.CMYKModel {
		if ok, _ := turbo.Available(); ok {
			turboTried = true
			img, err := turbo.Decode(data, denom)
			if err == nil {
				set.Decoder = "libjpeg-turbo"
				return img, float64(w) / float64(denom), float64(h) / float64(denom), nil
			}
			if in.arith || !errors.Is(err, turbo.ErrWarning) && !errors.Is(err, turbo.ErrUnsupported) {
				return nil, 0, 0, fmt.Errorf("decode jpeg: %w", err)
			}
			// Let the Go decoder judge what libjpeg-turbo only warned about.
		}
	}
	if in.arith {
		why := "not used with --pure-go"
		if ok, err := turbo.Available(); !ok {
			why = err.Error()
		}
		return nil, 0, 0, fmt.Errorf("decode jpeg: %w (Go's decoder reads only Huffman-coded ones; %s)", ErrArithmetic, why)
	}
	if format == "jpeg" && denom > 1 && !turboTried && cfg.ColorModel != color.CMYKModel {
		// Go's own scaled decode; what it leaves (damaged files among
		// them) image/jpeg decodes whole, and judges.
		if img, err := decodeJPEGScaled(data, denom); err == nil {
			set.Decoder = "go"
			return img, float64(w) / float64(denom), float64(h) / float64(denom), nil
		}
	}
	if img, ew, eh, ok, err := shrinkPNG(data, in, big, pureGo, set); ok {
		return img, ew, eh, err
	}
	src, decoder, err := in.decodeFull(data, !pureGo)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("decode %s: %w", format, describe(err))
	}
	set.Decoder = decoder
	if p, ok := src.(*image.Paletted); ok && format == "gif" && p.Rect != image.Rect(0, 0, w, h) {
		src = onCanvas(p, w, h) // a first frame smaller than the GIF's screen
	}
	if format == "webp" {
		src = webpRGBA(src)
	}
	b := src.Bounds()
	w, h = b.Dx(), b.Dy()
	fx, fy := reduction(w, big.X), reduction(h, big.Y)
	return reduce(src, fx, fy), float64(w) / float64(fx), float64(h) / float64(fy), nil
}

// reduction is Pillow's reducing_gap factor: the whole factor by which in
// pixels can be box-reduced and still leave at least a 2× step to out.
func reduction(in, out int) int {
	return max(int(float64(in)/float64(out)/2), 1)
}

// thumbFrom makes one w×h thumbnail from mid, whose region [0,ew)×[0,eh)
// is the whole image: a box reduction while at least 2× is left, then
// Catmull-Rom.
func thumbFrom(mid *image.RGBA, ew, eh float64, w, h int) *image.RGBA {
	fx := max(int(ew/float64(w)/2), 1)
	fy := max(int(eh/float64(h)/2), 1)
	if fx > 1 || fy > 1 {
		mid = reduce(mid, fx, fy)
		ew, eh = ew/float64(fx), eh/float64(fy)
	}
	return resample(mid, ew, eh, w, h)
}

// onCanvas places a GIF's first frame on a transparent canvas of the
// GIF's logical screen size, as viewers and Pillow show it.
func onCanvas(p *image.Paletted, w, h int) image.Image {
	c := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(c, p.Rect, p, p.Rect.Min, draw.Src)
	return c
}

// guard runs an image decoder that is not fanout's own (the standard
// library's and golang.org/x/image's): a panic in it on damaged data
// becomes the error of that image, so that one file cannot take the run
// down. fanout's own code runs unguarded, so that its fuzz tests find its
// bugs.
func guard[T any](format string, decode func() (T, string, error)) (v T, name string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s decoder failed on damaged data: %v", format, r)
		}
	}()
	return decode()
}
