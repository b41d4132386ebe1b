package cluster

import (
	"context"
	"testing"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
)

// BenchmarkRemoteOverhead measures what a round trip through JetStream
// costs per task (publish, store, deliver, run a no-op, reply, ack) with
// 64 tasks in flight and one worker in this process.
func BenchmarkRemoteOverhead(b *testing.B) {
	s, err := StartServer(context.Background(), ServerConfig{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Shutdown()
	noop := def("noop", func(_ context.Context, n int) (int, error) { return n, nil })

	nc, err := nats.Connect(s.URL())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &Worker{Jobs: jobs(noop), Workers: 16}
	go func() { done <- w.Serve(ctx, nc) }()
	defer func() { cancel(); <-done; nc.Close() }()

	c, err := Dial(context.Background(), s.URL(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	fn := remote(b, c, noop)
	in := func(yield func(int) bool) {
		for i := range b.N {
			if !yield(i) {
				return
			}
		}
	}
	b.ResetTimer()
	sum, err := engine.Run(context.Background(), in, fn, engine.Options{Workers: 64}, func(engine.Result[int, int]) bool { return true })
	if sum.OK != b.N {
		b.Fatalf("summary %+v, err %v", sum, err)
	}
}
