package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
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

// fanout wait shows a run's results as its submitter did: the same bytes
// on stdout, the same error lines, the same exit status; attached while
// the run goes on, or after it has ended.
func TestWaitShowsTheRunAsItsSubmitter(t *testing.T) {
	addr := freeAddr(t)
	url := "nats://" + addr
	broker := exec.Command(bin, "broker", "-q", "--listen", addr, "--store", t.TempDir())
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { broker.Process.Kill(); broker.Wait() }()
	waitListen(t, addr)
	worker := exec.Command(bin, "worker", "-q", "-j", "2", "--nats", url)
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { worker.Process.Kill(); worker.Wait() }()

	input := strings.Repeat("18446744073709551557\n12a\n", 2000) + readFile(t, hardNumbers(t, 200000))
	for _, args := range [][]string{{"primes"}, {"primes", "--json", "-p", "--unordered"}} {
		sub := exec.Command(bin, append(args, "--nats", url)...)
		sub.Stdin = strings.NewReader(input)
		var subOut bytes.Buffer
		var subErr syncBuffer // read while it runs
		sub.Stdout, sub.Stderr = &subOut, &subErr
		if err := sub.Start(); err != nil {
			t.Fatal(err)
		}
		// The run's id, as it starts.
		var id string
		for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if f := strings.Fields(strings.TrimPrefix(subErr.String(), "fanout: run ")); len(f) > 1 {
				id = f[0]
			}
		}
		// One wait attached while it runs, one after it ended.
		during := exec.Command(bin, "wait", "-q", "--nats", url, id)
		var durOut, durErr bytes.Buffer
		during.Stdout, during.Stderr = &durOut, &durErr
		if err := during.Start(); err != nil {
			t.Fatal(err)
		}
		sub.Wait()
		during.Wait()
		after := exec.Command(bin, "wait", "-q", "--nats", url, id)
		var aftOut, aftErr bytes.Buffer
		after.Stdout, after.Stderr = &aftOut, &aftErr
		after.Run()

		subLines := errorLines(subErr.String())
		for name, w := range map[string]struct {
			cmd      *exec.Cmd
			out, err *bytes.Buffer
		}{"during": {during, &durOut, &durErr}, "after": {after, &aftOut, &aftErr}} {
			if w.cmd.ProcessState.ExitCode() != sub.ProcessState.ExitCode() {
				t.Errorf("%v, wait %s: exit %d, the submitter's %d; stderr %q", args, name, w.cmd.ProcessState.ExitCode(), sub.ProcessState.ExitCode(), tail(w.err.String()))
			}
			if ordered := !strings.Contains(strings.Join(args, " "), "--unordered"); ordered && !bytes.Equal(w.out.Bytes(), subOut.Bytes()) ||
				!ordered && !sameLines(w.out.String(), subOut.String()) {
				t.Errorf("%v, wait %s: stdout differs from the submitter's (%d bytes, %d bytes)", args, name, w.out.Len(), subOut.Len())
			}
			if got := errorLines(w.err.String()); !sameLines(strings.Join(got, "\n"), strings.Join(subLines, "\n")) {
				t.Errorf("%v, wait %s: %d error lines, the submitter's %d", args, name, len(got), len(subLines))
			}
		}
	}
}

// errorLines are the "line N: ..." lines of stderr.
func errorLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "line ") {
			out = append(out, l)
		}
	}
	return out
}

func sameLines(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	slices.Sort(la)
	slices.Sort(lb)
	return slices.Equal(la, lb)
}

// A kill -9ed submitter's run, with fanout wait attached, is not
// abandoned: it runs to the end and wait prints every result, in order,
// then says the submitter is gone (exit 1).
//
// It is a case of the fault suite too: FANOUT_FAULT_RUNS runs it again.
func TestWaitOutlivesItsSubmitter(t *testing.T) {
	input := readFile(t, hardNumbers(t, 300000))
	local, _, _ := fanout(t, input, "primes", "-q")
	for run := range faultRuns() {
		t.Run(fmt.Sprint("run ", run+1), func(t *testing.T) { waitOutlivesItsSubmitter(t, input, local) })
	}
}

func waitOutlivesItsSubmitter(t *testing.T, input, local string) {
	addr := freeAddr(t)
	url := "nats://" + addr
	broker := exec.Command(bin, "broker", "-q", "--listen", addr, "--store", t.TempDir())
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { broker.Process.Kill(); broker.Wait() }()
	waitListen(t, addr)
	// Workers start late: every task is queued when the submitter dies.
	sub := exec.Command(bin, "primes", "--nats", url)
	sub.Stdin = strings.NewReader(input)
	var subErr syncBuffer // read while it runs
	sub.Stderr = &subErr
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	var id string
	for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if f := strings.Fields(strings.TrimPrefix(subErr.String(), "fanout: run ")); len(f) > 1 {
			id = f[0]
		}
	}
	time.Sleep(time.Second) // its tasks are sent
	sub.Process.Kill()
	sub.Wait()
	wait := exec.Command(bin, "wait", "-q", "--nats", url, id)
	var out, errb bytes.Buffer
	wait.Stdout, wait.Stderr = &out, &errb
	if err := wait.Start(); err != nil {
		t.Fatal(err)
	}
	worker := exec.Command(bin, "worker", "-q", "-j", "2", "--abandon-after", "15s", "--nats", url)
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { worker.Process.Kill(); worker.Wait() }()
	time.Sleep(16 * time.Second) // past --abandon-after: wait keeps the run alive
	waitStoppedBy(t, wait, &errb, 60*time.Second, 1, "went silent")
	if out.String() != local {
		t.Errorf("wait printed %d bytes, the local run %d: want the same", out.Len(), len(local))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The same for titles: a kill -9ed submitter's URLs, followed by fanout
// wait, all answered, as a local run answers them. A case of the fault
// suite too (FANOUT_FAULT_RUNS).
func TestWaitTitlesOutlivesItsSubmitter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		if strings.HasSuffix(r.URL.Path, "7") {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		fmt.Fprintf(w, "<html><head><title>page %s</title></head></html>", r.URL.Path)
	}))
	defer srv.Close()
	var in strings.Builder
	for i := range 400 {
		fmt.Fprintf(&in, "%s/p%d\n", srv.URL, i)
	}
	input := in.String()
	for run := range faultRuns() {
		t.Run(fmt.Sprint("run ", run+1), func(t *testing.T) {
			addr := freeAddr(t)
			url := "nats://" + addr
			startProc(t, "broker", "-q", "--listen", addr, "--store", t.TempDir())
			waitListen(t, addr)
			sub := exec.Command(bin, "titles", "--nats", url)
			sub.Stdin = strings.NewReader(input)
			var subErr syncBuffer
			sub.Stderr = &subErr
			if err := sub.Start(); err != nil {
				t.Fatal(err)
			}
			var id string
			for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if f := strings.Fields(strings.TrimPrefix(subErr.String(), "fanout: run ")); len(f) > 1 {
					id = f[0]
				}
			}
			time.Sleep(500 * time.Millisecond) // its tasks are sent
			sub.Process.Kill()
			sub.Wait()
			wait := exec.Command(bin, "wait", "-q", "--nats", url, id)
			var out, errb bytes.Buffer
			wait.Stdout, wait.Stderr = &out, &errb
			if err := wait.Start(); err != nil {
				t.Fatal(err)
			}
			startProc(t, "worker", "-q", "-j", "8", "--nats", url)
			waitStoppedBy(t, wait, &errb, 60*time.Second, 1, "went silent")
			// The submitter sent as many as it keeps in flight, the first
			// ones: wait shows them as a local run of those shows them.
			var sent int
			if _, after, ok := strings.Cut(errb.String(), "went silent after sending "); !ok {
				t.Fatalf("wait: %q", errb.String())
			} else if _, err := fmt.Sscan(after, &sent); err != nil || sent < 50 {
				t.Fatalf("wait says %d sent (%v): %q", sent, err, errb.String())
			}
			lines := strings.SplitAfter(input, "\n")
			local, _, _ := fanout(t, strings.Join(lines[:sent], ""), "titles", "-q")
			if !sameLines(out.String(), local) { // titles prints in completion order
				t.Errorf("wait printed %d lines for %d URLs sent, a local run of those %d: want the same", strings.Count(out.String(), "\n"), sent, strings.Count(local, "\n"))
			}
			t.Logf("run %d: submitter killed after sending %d URLs; wait printed what a local run of them prints", run+1, sent)
		})
	}
}

// fanout wait shows a range run as its submitter did: the primes listed,
// or their count.
func TestWaitShowsARange(t *testing.T) {
	url, _ := startCluster(t, 1)
	for _, args := range [][]string{{"--range", "1e9..1e9+3e6"}, {"--range", "0..1e8", "--count"}, {"--range", "0..1e7", "--count", "--json"}} {
		sub := exec.Command(bin, append([]string{"primes", "--nats", url}, args...)...)
		var out bytes.Buffer
		var errb syncBuffer
		sub.Stdout, sub.Stderr = &out, &errb
		if err := sub.Run(); err != nil {
			t.Fatalf("%v: %v, %s", args, err, errb.String())
		}
		id := runID(t, errb.String())
		got, stderr, code := fanout(t, "", "wait", "-q", "--nats", url, id)
		if code != 0 || got != out.String() {
			t.Errorf("%v: wait exit %d, %d bytes, the submitter's %d bytes; stderr %q", args, code, len(got), out.Len(), stderr)
		}
	}
}
