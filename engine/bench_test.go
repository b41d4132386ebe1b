package engine

import (
	"context"
	"testing"
)

func noop(_ context.Context, n int) (int, error) { return n, nil }

func benchRun(b *testing.B, o Options) {
	b.ReportAllocs()
	sum, err := Run(context.Background(), count(b.N), noop, o, func(Result[int, int]) bool { return true })
	if err != nil && b.N > 0 || sum.OK != b.N {
		b.Fatalf("err %v, summary %+v", err, sum)
	}
}

// BenchmarkOverhead measures what the engine costs per item with a job
// that does nothing.
func BenchmarkOverhead(b *testing.B) {
	b.Run("unordered", func(b *testing.B) { benchRun(b, Options{}) })
	b.Run("ordered", func(b *testing.B) { benchRun(b, Options{Ordered: true}) })
}
