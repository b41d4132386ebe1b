package main

import (
	"bufio"
	"bytes"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
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

// TestClusterMatchesLocal runs a broker and two workers as separate
// processes and checks that primes submitted through them print exactly
// what the local pool prints.
func TestClusterMatchesLocal(t *testing.T) {
	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr)
	url := "nats://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("broker did not listen within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	w1 := daemon(t, "worker", "--nats", url)
	w2 := daemon(t, "worker", "--nats", url)

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
	// Both workers took part (the input is 8 chunks, the range many more).
	for i, stop := range []func() string{w1, w2} {
		if log := stop(); !strings.Contains(log, "ran ") || strings.Contains(log, "ran 0 tasks") {
			t.Errorf("worker %d did no work: %q", i+1, log)
		}
	}
}
