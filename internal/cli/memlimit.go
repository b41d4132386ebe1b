package cli

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// brokerMemoryFloor is the broker's soft memory limit while its live heap
// is small (see followLiveHeap).
const brokerMemoryFloor = 200 << 20

// followLiveHeap holds Go's soft memory limit (runtime/debug.SetMemoryLimit)
// at floor bytes, or at a quarter above the live heap when that is more,
// until the function it returns is called; that puts back the limit there
// was.
//
// The broker is why: JetStream keeps each message block it reads or writes
// (8 MiB for the file bucket) for ten seconds, weakly once it is done with
// it, and pools the buffers. With the collector's default pace (a cycle
// each time the heap doubles) those dead blocks filled the heap: sending
// 300 MB of photos through the object store took the broker to 330-410 MB.
// A limit of its own makes the collector drop them sooner (the bench: a
// peak of 218 MB; a floor of 160 MiB gave 181-193 MB but cost the broker
// a tenth more CPU, 200 MiB nothing one could measure). Following the
// live heap, with room for a quarter more, keeps a broker that holds more
// than the floor (large runs, many streams) from collecting without
// pause: it then collects as if GOGC were 25. (Room for twice the live
// heap, as GOGC's default, would not bind here at all: the live heap a
// lazy collector finds is itself swollen with blocks in use and pooled.)
func followLiveHeap(floor int64) (stop func()) {
	was := debug.SetMemoryLimit(-1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	set := func() {
		metrics.Read(sample)
		limit := floor
		if v := sample[0].Value; v.Kind() == metrics.KindUint64 && v.Uint64() < math.MaxInt64/2 {
			limit = max(floor, int64(v.Uint64())*5/4)
		}
		debug.SetMemoryLimit(limit)
	}
	set()
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				set()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		debug.SetMemoryLimit(was)
	}
}
