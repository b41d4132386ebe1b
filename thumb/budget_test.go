package thumb

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Items whose decodes would not fit together never run at once, an item
// alone runs whatever its size, and every reserved byte is given back.
func TestBudget(t *testing.T) {
	tests := []struct {
		name    string
		max     int64
		weights []int64
	}{
		{"all fit", 100, []int64{30, 30, 30}},
		{"large and small", 100, []int64{60, 50, 10, 5, 60, 50}},
		{"larger than the budget counts as 3/4 of it", 100, []int64{500, 500, 1, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBudget(tt.max)
			var mu sync.Mutex
			var inFlight int64
			var wg sync.WaitGroup
			for _, w := range tt.weights {
				wg.Go(func() {
					got, err := b.acquire(context.Background(), w)
					if err != nil {
						t.Error(err)
						return
					}
					if want := min(w, tt.max*3/4); got != want {
						t.Errorf("reserved %d for %d, want %d", got, w, want)
					}
					mu.Lock()
					inFlight += got
					if inFlight > tt.max && inFlight != got {
						t.Errorf("%d bytes in flight, budget %d", inFlight, tt.max)
					}
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					mu.Lock()
					inFlight -= got
					mu.Unlock()
					b.release(got)
				})
			}
			wg.Wait()
			if b.used != 0 {
				t.Errorf("%d bytes still reserved", b.used)
			}
		})
	}
}

// A wait for memory ends when the run is cancelled: a halted run never
// hangs on memory that is not given back.
func TestBudgetWaitCancelled(t *testing.T) {
	b := newBudget(100)
	if _, err := b.acquire(context.Background(), 80); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := b.acquire(ctx, 50); err != context.DeadlineExceeded {
		t.Fatalf("acquire beyond the budget: %v, want the context's error", err)
	}
}

// Many workers running the job give every reserved byte back.
func TestBudgetReleasedByRun(t *testing.T) {
	dir := t.TempDir()
	mk := &maker{Options: Options{Boxes: []Box{{W: 32, H: 32}}}, budget: newBudget(1 << 20)} // smaller than any: one at a time
	var wg sync.WaitGroup
	for _, name := range []string{"ladybird.jpg", "yellow-flower.jpg", "float-into-mate.png", "two-wings-palette.png"} {
		it := Item{Src: filepath.Join(samples, name), Outs: []string{filepath.Join(dir, name+".png")}}
		if decodeBytes(readFile(t, it.Src), mk.Options) == 0 {
			t.Errorf("%s: no decode memory estimated", it.Src)
		}
		wg.Go(func() {
			if _, err := mk.run(context.Background(), it); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if mk.budget.used != 0 {
		t.Errorf("%d bytes still reserved", mk.budget.used)
	}
}

func TestJPEGFrame(t *testing.T) {
	tests := []struct {
		file        string
		progressive bool
		samples     float64
	}{
		{"../internal/turbo/testdata/progressive-444.jpg", true, 3},
		{"../internal/turbo/testdata/progressive-422.jpg", true, 2},
		{"../internal/turbo/testdata/progressive-420.jpg", true, 1.5},
		{"../internal/turbo/testdata/progressive-grey.jpg", true, 1},
		{filepath.Join(samples, "ladybird.jpg"), false, 1.5},
		{filepath.Join(samples, "png-named-as.jpg"), true, 3}, // no frame: the costliest guess
	}
	for _, tt := range tests {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		p, s := jpegFrame(data)
		if p != tt.progressive || s != tt.samples {
			t.Errorf("%s: progressive %v, %v samples per pixel; want %v, %v", tt.file, p, s, tt.progressive, tt.samples)
		}
	}
}

func FuzzJPEGFrame(f *testing.F) {
	files, _ := filepath.Glob("../internal/turbo/testdata/*.jpg")
	more, _ := filepath.Glob(filepath.Join(samples, "*.jpg"))
	for _, p := range append(files, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, s := jpegFrame(data); !(s > 0) {
			t.Fatalf("%v samples per pixel", s)
		}
	})
}
