package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
)

// The contract: a job run through the cluster gives exactly what the local
// pool gives. Both runners go through one suite.

// cube is the job of the suite: it fails on negatives, panics on 13, and
// fails transiently the first time it sees a multiple of 7.
type cube struct {
	mu   sync.Mutex
	seen map[int]bool
}

func (c *cube) job() *engine.Def[engine.NoSettings, int, int] {
	return def("cube", func(_ context.Context, n int) (int, error) {
		switch {
		case n < 0:
			return n, fmt.Errorf("negative input %d", n) // an output that explains the failure
		case n == 13:
			panic("unlucky")
		case n%7 == 0:
			c.mu.Lock()
			first := !c.seen[n]
			c.seen[n] = true
			c.mu.Unlock()
			if first {
				return 0, engine.Transient(errors.New("try again"))
			}
		}
		return n * n * n, nil
	})
}

// def defines a test job without settings.
func def(name string, fn engine.Func[int, int]) *engine.Def[engine.NoSettings, int, int] {
	return &engine.Def[engine.NoSettings, int, int]{Name: name, Version: 1,
		New: func(engine.NoSettings) (engine.Func[int, int], error) { return fn, nil }}
}

// remote returns d run on workers through c.
func remote(t testing.TB, c *Client, d *engine.Def[engine.NoSettings, int, int]) engine.Func[int, int] {
	t.Helper()
	j, err := Remote(c, d, engine.NoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	return j.Run
}

// jobs is a registry of defs.
func jobs(defs ...engine.Definition) *engine.Registry { return engine.NewRegistry(defs...) }

// runner gives the function the engine calls for a job: the job itself, or
// a remote call to a worker.
type runner func(t *testing.T, d *engine.Def[engine.NoSettings, int, int]) engine.Func[int, int]

func localRunner(t *testing.T, d *engine.Def[engine.NoSettings, int, int]) engine.Func[int, int] {
	j, err := d.Job(engine.NoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	return j.Run
}

// clusterRunner starts an embedded server and two workers (as on two
// machines) and returns the job run remotely.
func clusterRunner(t *testing.T, d *engine.Def[engine.NoSettings, int, int]) engine.Func[int, int] {
	url := startServer(t)
	for range 2 {
		startWorker(t, url, jobs(d), Config{})
	}
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return remote(t, c, d)
}

func startServer(t *testing.T) string {
	t.Helper()
	s, err := StartServer(context.Background(), ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s.URL()
}

// startWorker runs a Worker until the test ends; it returns a function
// that stops it early.
func startWorker(t *testing.T, url string, reg *engine.Registry, cfg Config) context.CancelFunc {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &Worker{Jobs: reg, Workers: 3, Config: cfg}
	go func() { done <- w.Serve(ctx, nc) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("worker: %v", err)
			}
			nc.Close()
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestContract(t *testing.T) {
	for name, run := range map[string]runner{"local": localRunner, "cluster": clusterRunner} {
		t.Run(name, func(t *testing.T) {
			c := &cube{seen: map[int]bool{}}
			fn := run(t, c.job())
			inputs := func(yield func(int) bool) {
				for i := -2; i < 200; i++ {
					if !yield(i) {
						return
					}
				}
			}
			var got []engine.Result[int, int]
			sum, err := engine.Run(context.Background(), inputs, fn, engine.Options{Workers: 8, Ordered: true, Retries: 1, Backoff: time.Millisecond},
				func(r engine.Result[int, int]) bool { got = append(got, r); return true })
			if err != nil {
				t.Fatal(err)
			}
			if sum.Inputs != 202 || sum.Failed != 3 || sum.OK != 199 {
				t.Fatalf("summary %+v, want 202 inputs, 199 ok, 3 failed", sum)
			}
			for i, r := range got {
				n := i - 2
				switch {
				case r.In != n:
					t.Fatalf("result %d is for input %d, want %d", i, r.In, n)
				case n < 0:
					if r.Err == nil || r.Err.Error() != fmt.Sprintf("negative input %d", n) || r.Out != n {
						t.Fatalf("input %d: %d, %v; want the job's own message and output", n, r.Out, r.Err)
					}
				case n == 13:
					if r.Err == nil || !strings.Contains(r.Err.Error(), "panic: unlucky") {
						t.Fatalf("input 13: err %v, want the panic", r.Err)
					}
				default:
					if r.Err != nil || r.Out != n*n*n {
						t.Fatalf("input %d: %d, %v; want %d", n, r.Out, r.Err, n*n*n)
					}
					if n%7 == 0 && r.Attempts != 2 {
						t.Fatalf("input %d: %d attempts, want 2 (a transient error retried)", n, r.Attempts)
					}
				}
			}
		})
	}
}
