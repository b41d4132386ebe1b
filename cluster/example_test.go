package cluster_test

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
)

// A job runs on a worker exactly as it runs locally: the submitter hands
// the engine a remote function instead of the job's own.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	srv, err := cluster.StartServer(ctx, cluster.ServerConfig{StoreDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Shutdown()

	square := engine.Job[int, int]{Name: "square", Run: func(_ context.Context, n int) (int, error) { return n * n, nil }}

	// A worker, as 'fanout worker' runs on another machine.
	nc, _ := nats.Connect(srv.URL())
	wctx, stop := context.WithCancel(ctx)
	served := make(chan error)
	go func() {
		w := &cluster.Worker{Jobs: map[string]engine.RawFunc{square.Name: square.Raw()}}
		served <- w.Serve(wctx, nc)
	}()
	defer func() { stop(); <-served; nc.Close() }()

	// The submitter.
	c, err := cluster.Dial(ctx, srv.URL(), cluster.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	remote := cluster.Remote[int, int](c, square.Name)
	for r := range engine.Map(ctx, slices.Values([]int{1, 2, 3}), remote, engine.Options{Ordered: true}) {
		fmt.Println(r.In, "->", r.Out)
	}
	// Output:
	// 1 -> 1
	// 2 -> 4
	// 3 -> 9
}
