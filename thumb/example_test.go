package thumb_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fanout-dev/fanout/thumb"
)

// Fit gives the size Pillow's Image.thumbnail gives.
func ExampleFit() {
	w, h := thumb.Fit(5640, 3172, thumb.Box{W: 128, H: 128})
	fmt.Println(w, h)
	w, h = thumb.Fit(100, 50, thumb.Box{W: 128, H: 128}) // never enlarged
	fmt.Println(w, h)
	// Output:
	// 128 72
	// 100 50
}

// Make decodes an image once and makes every size from it.
func ExampleMake() {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "images", "chart-exif6.jpg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	set, err := thumb.Make(data, thumb.Options{Boxes: thumb.DefaultBoxes})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(set.Format, set.Width, set.Height) // upright: EXIF orientation 6 applied
	for _, t := range set.Thumbs {
		fmt.Println(t.Rect.Dx(), t.Rect.Dy())
	}
	// Output:
	// jpeg 100 160
	// 20 32
	// 40 64
	// 80 128
}
