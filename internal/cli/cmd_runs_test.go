package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/prime"
)

// fanout runs lists a run as it goes on; fanout cancel stops it, and its
// submitter's waiting items fail with "run cancelled".
func TestRunsAndCancel(t *testing.T) {
	srv, err := cluster.StartServer(context.Background(), cluster.ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	url := srv.URL()
	c, err := cluster.Dial(context.Background(), url, cluster.Config{Heartbeat: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	job, err := cluster.Remote(c, prime.Job, prime.Settings{JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { // no worker: it waits
		_, err := job.Run(context.Background(), prime.Chunk{Source: "stdin", First: 1, Text: "7\n"})
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)

	run := func(args ...string) (string, string, int) {
		var out, errb strings.Builder
		code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append(args, "--nats", url))
		return out.String(), errb.String(), code
	}
	out, errs, code := run("runs")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "RUN ") || !strings.HasPrefix(lines[1], c.Run()+"  primes  running  ") {
		t.Fatalf("runs: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, code = run("runs", "--json")
	var r struct {
		ID, Job, State string
		Created        time.Time
		Total, Pending int64
		Settings       json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || r.ID != c.Run() || r.Job != "primes" || r.State != "running" ||
		r.Total != 1 || r.Pending != 1 || time.Since(r.Created) > time.Minute || string(r.Settings) != `{"json":true}` {
		t.Fatalf("runs --json: exit %d, %q, %v", code, out, err)
	}
	out, errs, code = run("cancel", c.Run(), "nosuchrun")
	if code != 1 || out != c.Run()+": cancelled, 1 tasks withdrawn\n" || !strings.Contains(errs, "nosuchrun: no such run") {
		t.Fatalf("cancel: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, cluster.ErrRunCancelled) {
			t.Errorf("the submitter's item: %v, want ErrRunCancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the submitter's item still waits 5s after the cancel")
	}
	out, _, _ = run("cancel", c.Run())
	if !strings.Contains(out, "already cancelled") {
		t.Errorf("second cancel: %q", out)
	}
	if _, errs, code := (func() (string, string, int) {
		var out, errb strings.Builder
		code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, []string{"runs", "--nats", ""})
		return out.String(), errb.String(), code
	})(); code != ExitUsage || !strings.Contains(errs, "needs --nats") {
		t.Errorf("runs without --nats: exit %d, %q", code, errs)
	}
}
