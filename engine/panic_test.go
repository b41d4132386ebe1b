package engine

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// mustPanic runs f and reports whether it panicked with want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		if v := recover(); v != want {
			t.Fatalf("recovered %v, want the panic %q to go on", v, want)
		}
	}()
	f()
}

// A panic in the sink, or in the body of a loop over Map, goes on to the
// caller, and no goroutine of the run stays behind, in either order mode
// and with far more workers than the sink has taken results.
func TestPanicInConsumerLeavesNoGoroutine(t *testing.T) {
	slow := func(ctx context.Context, n int) (int, error) {
		select {
		case <-time.After(time.Duration(n%3) * time.Millisecond):
		case <-ctx.Done():
		}
		return n, nil
	}
	for _, ordered := range []bool{false, true} {
		o := Options{Workers: 16, Ordered: ordered}
		for range 3 {
			mustPanic(t, "sink", func() {
				_, _ = Run(context.Background(), count(1000), slow, o, func(r Result[int, int]) bool {
					if r.Index == 5 {
						panic("sink")
					}
					return true
				})
			})
			mustPanic(t, "loop", func() {
				for r := range Map(context.Background(), count(1000), slow, o) {
					if r.Index == 5 {
						panic("loop")
					}
				}
			})
		}
		goleak.VerifyNone(t)
	}
}

// Retry waits are jittered between half the backoff and all of it, and
// not all equal.
func TestBackoffJitter(t *testing.T) {
	o := Options{Backoff: 100 * time.Millisecond}
	seen := map[time.Duration]bool{}
	for range 100 {
		for attempt, base := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond} {
			w := o.backoff(attempt + 1)
			if w < base/2 || w > base {
				t.Fatalf("attempt %d: wait %v, want within [%v, %v]", attempt+1, w, base/2, base)
			}
			seen[w] = true
		}
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct waits in 300: no jitter", len(seen))
	}
	if w := o.backoff(50); w > 30*time.Second || w < 15*time.Second {
		t.Fatalf("attempt 50 waits %v, want within [15s, 30s]", w)
	}
}
