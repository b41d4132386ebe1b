package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A kill -9ed submitter's run is not run for nobody: within
// --abandon-after (and a task's time) a worker cancels it, its tasks are
// withdrawn, and fanout runs says why.
func TestKilledSubmitterRunIsAbandoned(t *testing.T) {
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		time.Sleep(500 * time.Millisecond)
		fmt.Fprint(w, "<title>slow</title>")
	}))
	defer srv.Close()

	addr := freeAddr(t)
	url := "nats://" + addr
	broker := exec.Command(bin, "broker", "-q", "--listen", addr, "--store", t.TempDir())
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { broker.Process.Kill(); broker.Wait() }()
	waitListen(t, addr)
	worker := exec.Command(bin, "worker", "-q", "-j", "2", "--abandon-after", "15s", "--nats", url)
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { worker.Process.Kill(); worker.Wait() }()

	var urls strings.Builder
	for i := range 300 {
		fmt.Fprintf(&urls, "%s/%d\n", srv.URL, i)
	}
	sub := exec.Command(bin, "titles", "-c", "300", "--nats", url) // all 300 queued at once
	sub.Stdin = strings.NewReader(urls.String())
	var errb bytes.Buffer
	sub.Stderr = &errb
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	sub.Process.Kill()
	sub.Wait()
	killed := time.Now()
	run := strings.Fields(strings.TrimPrefix(errb.String(), "fanout: run "))
	if len(run) == 0 {
		t.Fatalf("the submitter printed no run id: %q", errb.String())
	}
	id := run[0]

	var state, reason string
	for time.Since(killed) < 40*time.Second {
		out, err := exec.Command(bin, "runs", "--json", "--nats", url).Output()
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ ID, State, Reason string }
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if json.Unmarshal([]byte(line), &r) == nil && r.ID == id {
				state, reason = r.State, r.Reason
			}
		}
		if state == "abandoned" {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	took := time.Since(killed)
	if state != "abandoned" || !strings.Contains(reason, "silent for more than 15s") {
		t.Fatalf("run %s: state %q (%q) %v after the kill, want abandoned", id, state, reason, took.Round(time.Second))
	}
	at := fetched.Load()
	time.Sleep(2 * time.Second)
	if after := fetched.Load(); after > at+2 || after > 100 {
		t.Errorf("%d pages fetched when it was abandoned, %d two seconds later (of 300): its tasks were not withdrawn", at, after)
	}
	out, _ := exec.Command(bin, "runs", "--nats", url).Output()
	if !strings.Contains(string(out), id) || !strings.Contains(string(out), "abandoned (its submitter") {
		t.Errorf("fanout runs:\n%s", out)
	}
	t.Logf("abandoned %v after the kill, %d of 300 pages fetched", took.Round(100*time.Millisecond), at)
}

// fanout broker --retention sets how long the streams and the run bucket
// keep what they hold.
func TestBrokerRetention(t *testing.T) {
	addr := freeAddr(t)
	broker := exec.Command(bin, "broker", "-q", "--listen", addr, "--store", t.TempDir(), "--retention", "2h")
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { broker.Process.Kill(); broker.Wait() }()
	waitListen(t, addr)
	nc, err := nats.Connect("nats://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"FANOUT", "FANOUT_RESULTS", "KV_FANOUT_RUNS"} {
		var age time.Duration
		for ctx.Err() == nil {
			if st, err := js.Stream(ctx, name); err == nil {
				if age = st.CachedInfo().Config.MaxAge; age == 2*time.Hour {
					break
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if age != 2*time.Hour {
			t.Errorf("%s: MaxAge %v, want 2h", name, age)
		}
	}
}
