package cluster_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
)

// powerSettings are the settings of the power job; the zero value squares.
type powerSettings struct {
	Exp int `json:"exp,omitempty"`
}

func (s powerSettings) Validate() error {
	if s.Exp < 0 {
		return errors.New("negative exponent")
	}
	return nil
}

// power is a job defined once: the worker builds it from the settings that
// travel with each task, as the local pool builds it from the same ones.
var power = &engine.Def[powerSettings, int, int]{
	Name:    "power",
	Version: 1,
	New: func(s powerSettings) (engine.Func[int, int], error) {
		exp := cmp.Or(s.Exp, 2)
		return func(_ context.Context, n int) (int, error) {
			r := 1
			for range exp {
				r *= n
			}
			return r, nil
		}, nil
	},
}

// A job runs on a worker exactly as it runs locally: the submitter hands
// the engine the remote job instead of the local one.
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

	// A worker, as 'fanout worker' runs on another machine.
	nc, _ := nats.Connect(srv.URL())
	wctx, stop := context.WithCancel(ctx)
	served := make(chan error)
	go func() {
		w := &cluster.Worker{Jobs: engine.NewRegistry(power)}
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
	remote, err := cluster.Remote(c, power, powerSettings{Exp: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	for r := range engine.Map(ctx, slices.Values([]int{1, 2, 3}), remote.Run, engine.Options{Ordered: true}) {
		fmt.Println(r.In, "->", r.Out)
	}
	// Output:
	// 1 -> 1
	// 2 -> 8
	// 3 -> 27
}
