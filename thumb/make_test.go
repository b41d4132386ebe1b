package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
)

var goldenBoxes = []Box{{32, 32}, {64, 64}, {128, 128}, {200, 50}, {7, 300}}

// Every sample, through every decoder, gives Pillow's sizes (after
// exif_transpose), and thumbnails that are not blank.
func TestMakeSizesMatchPillow(t *testing.T) {
	var golden map[string]map[string][2]int
	readGolden(t, "pillow_sizes.json", &golden)
	if len(golden) < 15 {
		t.Fatalf("only %d samples in the golden file", len(golden))
	}
	for dec, pure := range decoders(t) {
		for name, want := range golden {
			t.Run(dec+"/"+name, func(t *testing.T) {
				set, err := Make(readFile(t, filepath.Join(samples, name)), Options{Boxes: goldenBoxes, PureGo: pure})
				if err != nil {
					t.Fatal(err)
				}
				for i, b := range goldenBoxes {
					got := set.Thumbs[i].Rect.Size()
					w := want[fmt.Sprintf("%dx%d", b.W, b.H)]
					if got.X != w[0] || got.Y != w[1] {
						t.Errorf("box %v: %dx%d, Pillow %dx%d", b, got.X, got.Y, w[0], w[1])
					}
				}
				if big := set.Thumbs[2]; flat(big) {
					t.Errorf("128 px thumbnail is one flat colour")
				}
			})
		}
	}
}

func flat(img *image.RGBA) bool {
	for i := 4; i < len(img.Pix); i++ {
		if img.Pix[i] != img.Pix[i%4] {
			return false
		}
	}
	return true
}

// Each kind of bad input fails with one clear reason, never a panic.
func TestMakeBadInput(t *testing.T) {
	bad := filepath.Join("testdata", "bad")
	tests := []struct {
		file string
		is   error
		want string // in the message
	}{
		{file: "empty.jpg", is: ErrEmpty, want: "empty file"},
		{file: "notes.jpg", is: ErrNotImage, want: "not an image"},
		{file: "truncated-jpeg.jpg", want: "decode jpeg"},
		{file: "truncated-png.png", want: "decode png"},
		{file: "bomb.png", is: ErrTooLarge, want: "30000×30000 is 900.0 MP, above the limit of 100.0 MP"},
	}
	for dec, pure := range decoders(t) {
		for _, tt := range tests {
			t.Run(dec+"/"+tt.file, func(t *testing.T) {
				set, err := Make(readFile(t, filepath.Join(bad, tt.file)), Options{PureGo: pure})
				if err == nil {
					t.Fatalf("made %d thumbnails of a bad file", len(set.Thumbs))
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %q is not %q", err, tt.is)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not say %q", err, tt.want)
				}
			})
		}
	}
}

// A lower --max-pixels refuses a real photo from its header alone.
func TestMakeMaxPixels(t *testing.T) {
	data := readFile(t, filepath.Join(samples, "ladybird.jpg")) // 640×400
	if _, err := Make(data, Options{MaxPixels: 640 * 400}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	_, err := Make(data, Options{MaxPixels: 640*400 - 1})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "640×400") {
		t.Errorf("above the limit: %v, want ErrTooLarge naming 640×400", err)
	}
	if _, err := Make(data, Options{MaxPixels: -1}); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

// A PNG named .jpg is decoded as the PNG it is.
func TestMakeByContent(t *testing.T) {
	set, err := Make(readFile(t, filepath.Join(samples, "png-named-as.jpg")), Options{})
	if err != nil || set.Format != "png" {
		t.Fatalf("format %v, error %v; want png", set, err)
	}
}

// exifSegment returns a big-endian EXIF block with one orientation tag.
func exifBlock(o int) []byte {
	b := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01")
	b = binary.BigEndian.AppendUint16(b, 0x0112)
	b = binary.BigEndian.AppendUint16(b, 3)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint16(b, uint16(o))
	return append(b, 0, 0, 0, 0, 0, 0)
}

func jpegWithOrientation(t *testing.T, img image.Image, o int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	seg := append([]byte("Exif\x00\x00"), exifBlock(o)...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

func pngWithOrientation(t *testing.T, img image.Image, o int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := exifBlock(o)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "eXIf"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

// All eight EXIF orientations come out upright: the stored pixels are the
// upright chart turned as the EXIF specification describes each value
// (which side the 0th row and the 0th column are on), and the thumbnail
// must show the upright chart again. With NoRotate it shows them as
// stored.
func TestMakeOrientation(t *testing.T) {
	const W, H = 60, 40
	red, green, blue, white := color.NRGBA{220, 20, 20, 255}, color.NRGBA{20, 180, 20, 255}, color.NRGBA{20, 20, 220, 255}, color.NRGBA{255, 255, 255, 255}
	upright := func(x, y int) color.NRGBA {
		switch {
		case x < W/2 && y < H/2:
			return red
		case y < H/2:
			return green
		case x < W/2:
			return blue
		}
		return white
	}
	// stored[o](x, y) gives the upright pixel shown at stored (x, y).
	stored := map[int]func(x, y int) (int, int){
		1: func(x, y int) (int, int) { return x, y },
		2: func(x, y int) (int, int) { return W - 1 - x, y },         // 0th row top, 0th column right
		3: func(x, y int) (int, int) { return W - 1 - x, H - 1 - y }, // bottom, right
		4: func(x, y int) (int, int) { return x, H - 1 - y },         // bottom, left
		5: func(x, y int) (int, int) { return y, x },                 // left, top
		6: func(x, y int) (int, int) { return W - 1 - y, x },         // right, top
		7: func(x, y int) (int, int) { return W - 1 - y, H - 1 - x }, // right, bottom
		8: func(x, y int) (int, int) { return y, H - 1 - x },         // left, bottom
	}
	encoders := map[string]func(*testing.T, image.Image, int) []byte{"jpeg": jpegWithOrientation, "png": pngWithOrientation}
	for o := 1; o <= 8; o++ {
		sw, sh := W, H
		if o >= 5 {
			sw, sh = H, W
		}
		src := image.NewNRGBA(image.Rect(0, 0, sw, sh))
		for y := range sh {
			for x := range sw {
				src.SetNRGBA(x, y, upright(stored[o](x, y)))
			}
		}
		for encName, enc := range encoders {
			for dec, pure := range decoders(t) {
				t.Run(fmt.Sprintf("%d/%s/%s", o, encName, dec), func(t *testing.T) {
					data := enc(t, src, o)
					set, err := Make(data, Options{Boxes: []Box{{128, 128}, {30, 30}}, PureGo: pure})
					if err != nil {
						t.Fatal(err)
					}
					big := set.Thumbs[0]
					if got := big.Rect.Size(); got != image.Pt(W, H) {
						t.Fatalf("size %v, want %dx%d", got, W, H)
					}
					if got := set.Thumbs[1].Rect.Size(); got != image.Pt(30, 20) {
						t.Errorf("30 px box: size %v, want 30x20", got)
					}
					for _, p := range []image.Point{{W / 4, H / 4}, {3 * W / 4, H / 4}, {W / 4, 3 * H / 4}, {3 * W / 4, 3 * H / 4}} {
						if got, want := rgbaAt(big, p.X, p.Y), upright(p.X, p.Y); !near(got, want, 40) {
							t.Errorf("at %v: %v, want %v", p, got, want)
						}
					}
					set, err = Make(data, Options{Boxes: []Box{{128, 128}}, PureGo: pure, NoRotate: true})
					if err != nil {
						t.Fatal(err)
					}
					if got := set.Thumbs[0].Rect.Size(); got != image.Pt(sw, sh) {
						t.Errorf("NoRotate: size %v, want %dx%d as stored", got, sw, sh)
					}
				})
			}
		}
	}
}

// With KeepProfile, the embedded ICC profile is carried into PNG and JPEG
// output unchanged (by default this sRGB one is not written at all: see
// TestColourSRGBFastPath).
func TestICCCarried(t *testing.T) {
	data := readFile(t, filepath.Join(samples, "two-wings-icc.jpg"))
	in := readMeta("jpeg", data).icc
	if len(in) < 100 {
		t.Fatalf("sample has no ICC profile (%d bytes)", len(in))
	}
	set, err := Make(data, Options{KeepProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{PNG, JPEG} {
		var buf bytes.Buffer
		if err := (Encoder{Format: f}).Encode(&buf, set.Thumbs[0], set.Gray, set.ICC); err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(buf.Bytes()))
		if err != nil || cfg.Width != 32 {
			t.Fatalf("%s output unreadable: %v (%s, %+v)", f, err, format, cfg)
		}
		if out := readMeta(format, buf.Bytes()).icc; !bytes.Equal(out, in) {
			t.Errorf("%s output: profile of %d bytes, want the %d-byte input profile", f, len(out), len(in))
		}
	}
}

// Alpha is kept in PNG output and flattened on white in JPEG output.
func TestAlpha(t *testing.T) {
	set, err := Make(readFile(t, filepath.Join(samples, "disc-alpha.webp")), Options{Boxes: []Box{{100, 100}}})
	if err != nil {
		t.Fatal(err)
	}
	th := set.Thumbs[0]
	if c := rgbaAt(th, 0, 0); c.A != 0 {
		t.Errorf("corner outside the disc: alpha %d, want 0", c.A)
	}
	centre := rgbaAt(th, th.Rect.Dx()/2, th.Rect.Dy()/2)
	if !near(centre, color.NRGBA{240, 120, 0, 200}, 3) {
		t.Errorf("centre %v, want the disc's (240,120,0,200)", centre)
	}
	var buf bytes.Buffer
	if err := (Encoder{}).Encode(&buf, th, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := decodePNG(t, buf.Bytes()).At(0, 0).RGBA(); a != 0 {
		t.Errorf("PNG output lost the transparency: alpha %d at the corner", a)
	}
	buf.Reset()
	if err := (Encoder{Format: JPEG, Quality: 95}).Encode(&buf, th, false, nil); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := img.At(0, 0).RGBA(); r>>8 < 245 || g>>8 < 245 || b>>8 < 245 {
		t.Errorf("JPEG corner %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

// Greyscale sources give greyscale PNGs.
func TestGrayOutput(t *testing.T) {
	for _, name := range []string{"two-wings-grey-jpeg.jpg", "two-wings-grey-png.png"} {
		set, err := Make(readFile(t, filepath.Join(samples, name)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := (Encoder{}).Encode(&buf, set.Thumbs[2], set.Gray, set.ICC); err != nil {
			t.Fatal(err)
		}
		if _, ok := decodePNG(t, buf.Bytes()).(*image.Gray); !ok {
			t.Errorf("%s: output is not greyscale", name)
		}
	}
}
