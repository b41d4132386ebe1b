package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// daemon starts a long-running fanout command; the function it returns
// stops it with SIGINT (at the latest when the test ends), checks that it
// exits 130, and returns its stderr.
func daemon(t *testing.T, args ...string) func() string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { bufio.NewReader(out).WriteTo(&bytes.Buffer{}); close(done) }()
	var once sync.Once
	stop := func() string {
		once.Do(func() { stopDaemon(t, cmd, done, &errb, args[0]) })
		return errb.String()
	}
	t.Cleanup(func() { stop() })
	return stop
}

func stopDaemon(t *testing.T, cmd *exec.Cmd, done chan struct{}, errb *bytes.Buffer, name string) {
	{
		cmd.Process.Signal(syscall.SIGINT)
		timer := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
		<-done
		cmd.Wait()
		timer.Stop()
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("fanout %s: exit %d after Ctrl-C, want 130; stderr %q", name, code, errb.String())
		}
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startCluster starts a broker and n workers as separate processes, and
// returns the broker's URL and the functions that stop the workers.
func startCluster(t *testing.T, n int) (string, []func() string) {
	t.Helper()
	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr, "--store", t.TempDir())
	url := "nats://" + addr
	waitListen(t, addr)
	var stops []func() string
	for range n {
		stops = append(stops, daemon(t, "worker", "-j", "2", "--nats", url))
	}
	return url, stops
}

// TestClusterMatchesLocal runs a broker and two workers as separate
// processes and checks that primes submitted through them print exactly
// what the local pool prints.
func TestClusterMatchesLocal(t *testing.T) {
	url, workers := startCluster(t, 2)

	var in strings.Builder
	for i := range 20000 {
		in.WriteString(strings.Repeat("1", i%3+1) + "9" + string(rune('0'+i%10)) + "\n")
	}
	in.WriteString("12a\n")
	local, localErr, localCode := fanout(t, in.String(), "primes")
	remote, remoteErr, remoteCode := fanout(t, in.String(), "primes", "--nats", url)
	if remote != local || remoteCode != localCode || localCode != 1 {
		t.Fatalf("through the cluster: exit %d, %d bytes; locally: exit %d, %d bytes; stderr %q", remoteCode, len(remote), localCode, len(local), remoteErr)
	}
	if !strings.Contains(remoteErr, `line 20001: "12a": not an integer`) || !strings.Contains(localErr, `line 20001`) {
		t.Fatalf("stderr %q does not name the bad line", remoteErr)
	}
	count, _, code := fanout(t, "", "primes", "--range", "0..1e7", "--count", "--nats", url)
	if code != 0 || strings.TrimSpace(count) != "664579" {
		t.Fatalf("pi(10^7) through the cluster: %q, exit %d", count, code)
	}
	// A range whose segments' results are larger than a message.
	args := []string{"primes", "-q", "--range", "1e9..1e9+1e8"}
	wantRange, _, _ := fanout(t, "", args...)
	gotRange, errRange, code := fanout(t, "", append(args, "--nats", url)...)
	if code != 0 || gotRange != wantRange || len(wantRange) < 50<<20 {
		t.Fatalf("--range 1e9..1e9+1e8 through the cluster: exit %d, %d bytes, want %d as locally; stderr %q", code, len(gotRange), len(wantRange), errRange)
	}
	// Both workers took part (the input is 8 chunks, the range many more).
	for i, stop := range workers {
		if log := stop(); !strings.Contains(log, "ran ") || strings.Contains(log, "ran 0 tasks") {
			t.Errorf("worker %d did no work: %q", i+1, log)
		}
	}
}

// The settings of a run travel with its tasks: a worker builds the job
// from the submitter's flags, not from its own defaults, so a run through
// the cluster gives what the same command gives locally.
func TestClusterSettingsTravel(t *testing.T) {
	url, _ := startCluster(t, 1)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" { // answers after 3s, or when the client gives up
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<title>page "+r.URL.Path+"</title>")
	}))
	defer srv.Close()
	args := []string{"titles", "-q", "--ordered", "--retries", "0", "--timeout", "1s", srv.URL + "/a", srv.URL + "/slow"}
	local, localErr, localCode := fanout(t, "", args...)
	remote, remoteErr, remoteCode := fanout(t, "", append(args, "--nats", url)...)
	wantErr := srv.URL + "/slow: timeout: "
	if localCode != 1 || !strings.Contains(localErr, wantErr) || local != srv.URL+"/a\tpage /a\n" {
		t.Fatalf("local titles --timeout 1s: exit %d, stdout %q, stderr %q", localCode, local, localErr)
	}
	if remoteCode != localCode || remote != local || !strings.Contains(remoteErr, wantErr) {
		t.Fatalf("titles --timeout 1s through the cluster: exit %d, stdout %q, stderr %q; want what the local run gave", remoteCode, remote, remoteErr)
	}

	src := filepath.Join("..", "..", "testdata", "images", "ladybird.jpg")
	thumbs := func(out string, more ...string) (string, []string) {
		args := append([]string{"thumbs", "-q", "-s", "20,40x10", "--format", "jpeg", "--name", "{stem}-{w}.{fmt}", "-o", out, src}, more...)
		stdout, stderr, code := fanout(t, "", args...)
		if code != 0 {
			t.Fatalf("fanout %q: exit %d, stderr %q", args, code, stderr)
		}
		names, _ := filepath.Glob(filepath.Join(out, "*"))
		for i, n := range names {
			names[i] = filepath.Base(n)
		}
		return stdout, names
	}
	lout, lfiles := thumbs(t.TempDir())
	rout, rfiles := thumbs(t.TempDir(), "--nats", url)
	if lout != rout || strings.Join(lfiles, " ") != "ladybird-20.jpg ladybird-40.jpg" || strings.Join(rfiles, " ") != strings.Join(lfiles, " ") {
		t.Fatalf("thumbs with settings: locally %q %v, through the cluster %q %v", lout, lfiles, rout, rfiles)
	}
}

// GNU timeout and service managers may send SIGTERM more than once: a
// repeated SIGTERM must not cut a clean stop short (only a second Ctrl-C
// quits at once). Here the stop is slow because the broker is frozen
// while the submitter withdraws its tasks; once the broker thaws, the
// withdrawal must go through.
func TestRepeatedSIGTERMStopsCleanly(t *testing.T) {
	addr := freeAddr(t)
	broker := exec.Command(bin, "broker", "--listen", addr, "--store", t.TempDir())
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { broker.Process.Kill(); broker.Wait() }()
	waitListen(t, addr)

	cmd := exec.Command(bin, "primes", "--nats", "nats://"+addr)
	stdin, err := cmd.StdinPipe() // never closed: the run waits for workers
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write([]byte("7\n8\n"))
	time.Sleep(500 * time.Millisecond)
	broker.Process.Signal(syscall.SIGSTOP)
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	broker.Process.Signal(syscall.SIGCONT)
	waitStoppedBy(t, cmd, &errb, 20*time.Second, 143, "terminated")
	if n := queuedTasks(t, "nats://"+addr); n != 0 {
		t.Fatalf("%d tasks left in the queue after the stop, want 0 (withdrawn); stderr %q", n, errb.String())
	}
}

// queuedTasks returns how many tasks wait in the broker's task stream.
func queuedTasks(t *testing.T, url string) uint64 {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "FANOUT")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func waitListen(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after 10s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A broker with a token refuses a submitter without it; workers and
// submitters that present it work as usual. A broker on an address other
// than loopback with no authentication is refused at start.
func TestClusterAuth(t *testing.T) {
	if _, stderr, code := fanout(t, "", "broker", "--listen", "0.0.0.0:0", "--store", t.TempDir()); code != 2 || !strings.Contains(stderr, "--auth-token-file") {
		t.Fatalf("broker on 0.0.0.0 without auth: exit %d, stderr %q; want 2 and a hint", code, stderr)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("t0ken-for-tests\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr, "--store", t.TempDir(), "--auth-token-file", tokenFile)
	waitListen(t, addr)
	withToken := "nats://t0ken-for-tests@" + addr
	daemon(t, "worker", "--nats", withToken)

	_, stderr, code := fanout(t, "", "primes", "--nats", "nats://"+addr, "7")
	if code != 1 || !strings.Contains(stderr, "Authorization Violation") {
		t.Fatalf("submitter without the token: exit %d, stderr %q; want 1, refused", code, stderr)
	}
	_, stderr, code = fanout(t, "", "primes", "--nats", "nats://wrong@"+addr, "7")
	if code != 1 || strings.Contains(stderr, "wrong") {
		t.Fatalf("submitter with a wrong token: exit %d, stderr %q; want 1, and the token not printed", code, stderr)
	}
	out, stderr, code := fanout(t, "", "primes", "--nats", withToken, "7", "8")
	if code != 0 || out != "7 is prime: true\n8 is prime: false\n" || strings.Contains(stderr, "t0ken") {
		t.Fatalf("submitter with the token: exit %d, %q, stderr %q", code, out, stderr)
	}
}
