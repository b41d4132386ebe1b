package thumb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fanout-dev/fanout/engine"
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

// A thumbs run as the fanout command does it: Prepare plans the files,
// the engine runs Job on every item, Finish writes the contact sheet.
func ExamplePrepare() {
	out, _ := os.MkdirTemp("", "thumbs")
	defer os.RemoveAll(out)
	s := thumb.Settings{Sizes: []thumb.Box{{W: 64, H: 64}}, OutDir: out, Index: true}
	plan, err := thumb.Prepare(s, []string{filepath.Join("..", "testdata", "images", "chart-exif6.jpg")})
	if err != nil {
		panic(err)
	}
	job, err := thumb.Job.Job(s)
	if err != nil {
		panic(err)
	}
	for r := range engine.Map(context.Background(), slices.Values(plan.Items), job.Run, engine.Options{}) {
		if r.Err != nil {
			fmt.Println(r.In.Src, r.Err)
			continue
		}
		plan.Record(r.In)
		for _, t := range r.Out.Thumbs {
			fmt.Println(filepath.Base(t.Path), t.Width, t.Height)
		}
	}
	if err := plan.Finish(); err != nil {
		panic(err)
	}
	_, err = os.Stat(filepath.Join(out, "index.html"))
	fmt.Println("contact sheet:", err == nil)
	// Output:
	// chart-exif6_64_64.png 40 64
	// contact sheet: true
}
