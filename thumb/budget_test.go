package thumb

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Items whose decodes would not fit together never run at once, and
// smaller items go ahead of a large one that waits.
func TestBudgetSchedule(t *testing.T) {
	tests := []struct {
		name    string
		max     int64
		weights []int64
		want    []string // the order the items are handed out in
	}{
		{"all fit", 100, []int64{30, 30, 30}, []string{"0", "1", "2"}},
		{"large waits, small go first", 100, []int64{60, 50, 10, 5}, []string{"0", "2", "3", "1"}},
		{"larger than the budget counts as 3/4 of it", 100, []int64{500, 500, 1, 30}, []string{"0", "2", "1", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBudget(tt.max)
			var items []Item
			for i := range tt.weights {
				items = append(items, Item{Src: string(rune('0' + i))})
			}
			weigh := func(it Item) int64 { return tt.weights[it.Src[0]-'0'] }
			var got []string
			var mu sync.Mutex
			var inFlight int64
			var n int
			var wg sync.WaitGroup
			for it := range b.schedule(context.Background(), items, weigh) {
				got = append(got, it.Src)
				mu.Lock()
				inFlight += it.weight
				n++
				if n > 1 && inFlight > tt.max {
					t.Errorf("%d bytes in %d items in flight, budget %d", inFlight, n, tt.max)
				}
				mu.Unlock()
				wg.Add(1)
				go func() { // a worker that takes 10 ms
					defer wg.Done()
					time.Sleep(10 * time.Millisecond)
					mu.Lock()
					inFlight -= it.weight
					n--
					mu.Unlock()
					b.release(it.weight)
				}()
			}
			wg.Wait()
			if len(got) != len(tt.want) {
				t.Fatalf("handed out %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("order %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// Many workers running Maker.Run on scheduled items give every reserved
// byte back.
func TestBudgetReleasedByRun(t *testing.T) {
	dir := t.TempDir()
	var items []Item
	for _, name := range []string{"ladybird.jpg", "yellow-flower.jpg", "float-into-mate.png", "two-wings-palette.png"} {
		items = append(items, Item{Src: filepath.Join(samples, name), Outs: []string{filepath.Join(dir, name+".png")}})
	}
	b := NewBudget(1 << 20) // smaller than any of them: one at a time
	mk := &Maker{Options: Options{Boxes: []Box{{W: 32, H: 32}}}, Budget: b}
	var wg sync.WaitGroup
	for it := range b.Schedule(context.Background(), items, mk.Options) {
		if it.weight == 0 {
			t.Errorf("%s: no memory reserved", it.Src)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := mk.Run(context.Background(), it); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if b.used != 0 {
		t.Errorf("%d bytes still reserved", b.used)
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
