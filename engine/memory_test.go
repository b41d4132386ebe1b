package engine

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// peakHeap samples the live heap until stop is closed and returns the
// highest value seen.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak }
}

// TestOrderedMemoryStaysBounded streams millions of inputs through ordered
// mode where every 1000th item is slow: the reorder window, not the input
// size, must bound the heap.
func TestOrderedMemoryStaysBounded(t *testing.T) {
	n := 5_000_000
	if testing.Short() {
		n = 500_000
	}
	runtime.GC()
	stop := make(chan struct{})
	peak := peakHeap(stop)

	fn := func(_ context.Context, i int) ([]byte, error) {
		if i%1000 == 999 {
			time.Sleep(200 * time.Microsecond)
		}
		return make([]byte, 64), nil // some garbage per item, as real jobs make
	}
	next := 0
	sum, err := Run(context.Background(), count(n), fn, Options{Workers: 8, Ordered: true}, func(r Result[int, []byte]) bool {
		if r.Index != next {
			t.Fatalf("got index %d, want %d", r.Index, next)
		}
		next++
		return true
	})
	close(stop)
	p := peak()
	if err != nil || sum.OK != n {
		t.Fatalf("err %v, summary %+v", err, sum)
	}
	t.Logf("%d items, peak heap %.1f MB", n, float64(p)/1e6)
	if p > 64<<20 {
		t.Fatalf("peak heap %d bytes, want under 64 MiB", p)
	}
}
