package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// The broker's limit is the floor while the heap is small, rises with a
// live heap above it, and is put back when the broker stops.
func TestFollowLiveHeap(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	stop := followLiveHeap(1 << 40)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit %d, want the floor %d", got, int64(1<<40))
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != was {
		t.Fatalf("limit %d after the stop, want %d as before", got, was)
	}

	// A floor far below the live heap: the limit follows the heap.
	hold := make([]byte, 64<<20)
	runtime.GC() // the live heap is what the last cycle found
	defer followLiveHeap(1 << 20)()
	if got := debug.SetMemoryLimit(-1); got < 64<<20 {
		t.Errorf("limit %d with %d bytes live, want more than those", got, len(hold))
	}
	hold[0] = 1
}
