package cluster

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

type addSettings struct {
	Add int `json:"add,omitempty"`
}

func (addSettings) Validate() error { return nil }

// newerAddSettings is addSettings as a newer build might have it.
type newerAddSettings struct {
	Add   int  `json:"add,omitempty"`
	Twice bool `json:"twice,omitempty"`
}

func (newerAddSettings) Validate() error { return nil }

func addDef[S engine.Settings](version int, add func(S) int) *engine.Def[S, int, int] {
	return &engine.Def[S, int, int]{Name: "add", Version: version, New: func(s S) (engine.Func[int, int], error) {
		return func(_ context.Context, n int) (int, error) { return n + add(s), nil }, nil
	}}
}

// A worker builds the job from the settings and version each task
// carries: the submitter's settings are used, and settings or a version
// it cannot honour fail the item with a line that says so.
func TestSettingsTravel(t *testing.T) {
	url := startServer(t)
	startWorker(t, url, jobs(addDef(1, func(s addSettings) int { return s.Add })), Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	for _, add := range []int{0, 5, 1000} {
		j, err := Remote(c, addDef(1, func(s addSettings) int { return s.Add }), addSettings{Add: add})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := j.Run(ctx, 1); err != nil || n != 1+add {
			t.Fatalf("add %d: got %d, %v", add, n, err)
		}
	}

	newer := addDef(1, func(s newerAddSettings) int { return s.Add })
	j, err := Remote(c, newer, newerAddSettings{Add: 1, Twice: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = j.Run(ctx, 1)
	var re *RemoteError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), `add: settings: json: unknown field "twice"`) {
		t.Fatalf("settings from a newer build: %v, want a RemoteError naming the unknown field", err)
	}

	j, err = Remote(c, addDef(2, func(s addSettings) int { return s.Add }), addSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = j.Run(ctx, 1); !errors.As(err, &re) || !strings.Contains(err.Error(), `add is version "2" on the submitter, 1 on this worker`) {
		t.Fatalf("another version: %v, want a RemoteError naming both versions", err)
	}
}

// A worker runs every job of its registry, whatever they are: a job added
// to a registry is run without any other change.
func TestWorkerRunsRegisteredJob(t *testing.T) {
	url := startServer(t)
	reg := jobs(def("double", func(_ context.Context, n int) (int, error) { return 2 * n, nil }))
	triple := def("triple", func(_ context.Context, n int) (int, error) { return 3 * n, nil })
	if err := reg.Add(triple); err != nil {
		t.Fatal(err)
	}
	startWorker(t, url, reg, Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if n, err := remote(t, c, triple)(ctx, 7); err != nil || n != 21 {
		t.Fatalf("triple 7 = %d, %v", n, err)
	}
}

// A result larger than a message goes in parts and arrives whole.
func TestBigResult(t *testing.T) {
	url := startServer(t)
	big := &engine.Def[engine.NoSettings, int, string]{Name: "big", New: func(engine.NoSettings) (engine.Func[int, string], error) {
		return func(_ context.Context, n int) (string, error) { return strings.Repeat(string(rune('a'+n)), n<<20), nil }, nil
	}}
	startWorker(t, url, jobs(big), Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	j, err := Remote(c, big, engine.NoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, n := range []int{0, 1, 5} {
		out, err := j.Run(ctx, n)
		if err != nil || out != strings.Repeat(string(rune('a'+n)), n<<20) {
			t.Fatalf("%d MiB result: %d bytes, %v", n, len(out), err)
		}
	}
}

// A result published by anyone but the worker that took the task (no
// token, or the token of another task) is dropped: the call gets the real
// result.
func TestForgedResultDropped(t *testing.T) {
	url := startServer(t)
	release := make(chan struct{})
	slow := def("slow", func(ctx context.Context, n int) (int, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return n * 10, nil
	})
	startWorker(t, url, jobs(slow), Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fn := remote(t, c, slow)
	res := make(chan int, 2)
	for _, n := range []int{1, 2} {
		go func() { v, _ := fn(context.Background(), n); res <- v }()
	}
	time.Sleep(300 * time.Millisecond)
	forger, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()
	js, _ := jetstream.New(forger)
	for seq, token := range map[string]string{"1": "", "2": taskToken([]byte("not the key"), c.Run(), "2")} {
		m := nats.NewMsg(c.cfg.resultSubject(c.Run(), seq))
		m.Data = []byte("4")
		if token != "" {
			m.Header.Set(hdrToken, token)
		}
		if _, err := js.PublishMsg(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	got := []int{<-res, <-res}
	slices.Sort(got)
	if got[0] != 10 || got[1] != 20 {
		t.Fatalf("results %v, want [10 20]: a forged result was taken", got)
	}
}
