package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the fanout binary built once for these end-to-end tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fanout-e2e")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "fanout")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fanout runs the binary with stdin and returns stdout, stderr and the exit status.
func fanout(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runFanout(t, "", stdin, args...)
}

// fanoutIn runs the binary in the folder dir, with no input.
func fanoutIn(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	return runFanout(t, dir, "", args...)
}

func runFanout(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("fanout %q: %v", args, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestExitStatus(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		stdoutHas string
		stderrHas string
	}{
		{"help", "", []string{"help"}, 0, "Exit status", ""},
		{"unknown flag", "", []string{"--nope"}, 2, "", "unknown flag"},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "unknown command"},
		{"primes all good", "", []string{"primes", "982451653", "1"}, 0, "982451653 is prime: true\n1 is prime: false\n", ""},
		{"primes bad line", "7\n12a\n", []string{"primes"}, 1, "7 is prime: true\n", `line 2: "12a": not an integer`},
		{"primes empty stdin", "", []string{"primes"}, 2, "", "no"},
		{"titles empty stdin", "\n# nothing\n", []string{"titles"}, 2, "", "no"},
		{"thumbs empty folder", "", []string{"thumbs", "-o", filepath.Join(empty, "out"), empty}, 2, "", "no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := fanout(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if !strings.Contains(stdout, tt.stdoutHas) {
				t.Errorf("stdout %q lacks %q", stdout, tt.stdoutHas)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderrHas)
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
				t.Errorf("stderr has more than one clear line or two: %q", stderr)
			}
		})
	}
}

// TestInterrupt sends SIGINT while every request hangs: fanout must cancel
// them, print a summary that says it was interrupted, and exit 130 at once.
func TestInterrupt(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}))
	defer srv.Close()
	defer close(release)

	var urls strings.Builder
	for i := range 50 {
		urls.WriteString(srv.URL + "/page" + string(rune('a'+i%26)) + "\n")
	}
	cmd := exec.Command(bin, "titles", "-c", "8")
	cmd.Stdin = strings.NewReader(urls.String())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	interrupt(t, cmd, &errb)
}

// interrupt sends SIGINT to a running fanout and checks that it stops
// within 10s with status 130 and a summary that says it was interrupted.
func interrupt(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) {
	t.Helper()
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	waitStopped(t, cmd, stderr, 10*time.Second)
	t.Logf("fanout %s stopped %v after SIGINT", cmd.Args[1], time.Since(start).Round(time.Millisecond))
}

// waitStopped waits at most limit for a fanout told to stop, and checks
// that it exited 130 with a summary that says it was interrupted (or 143
// and "terminated" after a SIGTERM).
func waitStopped(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, limit time.Duration) {
	waitStoppedBy(t, cmd, stderr, limit, 130, "interrupted")
}

func waitStoppedBy(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, limit time.Duration, want int, says string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("fanout %s did not stop within %v of the signal", cmd.Args[1], limit)
	}
	if code := cmd.ProcessState.ExitCode(); code != want || !strings.Contains(stderr.String(), says) {
		t.Fatalf("fanout %s: exit %d, stderr %q; want %d and a summary saying %q", cmd.Args[1], code, stderr.String(), want, says)
	}
}

// TestInterruptWhileReadingStdin sends SIGINT while fanout waits for more
// input on a pipe that stays open: it must not wait for the input to end.
func TestInterruptWhileReadingStdin(t *testing.T) {
	for _, job := range []string{"primes", "titles"} {
		cmd := exec.Command(bin, job)
		stdin, err := cmd.StdinPipe() // never written to, never closed
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		interrupt(t, cmd, &errb)
	}
}

// SIGTERM is the same clean stop, with the status the convention gives it.
func TestTerminate(t *testing.T) {
	for _, job := range []string{"primes", "titles", "broker"} {
		cmd := exec.Command(bin, job)
		if job == "broker" {
			cmd.Args = append(cmd.Args, "--listen", freeAddr(t), "--store", t.TempDir())
		}
		stdin, err := cmd.StdinPipe() // never closed
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stdin.Write([]byte("7\n"))
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		says := "terminated"
		if job == "broker" {
			says = "" // it has no summary
		}
		waitStoppedBy(t, cmd, &errb, 10*time.Second, 143, says)
	}
}

// TestAnswersStreamThroughPipes writes one number and waits for its answer
// on a pipe before writing the next: fanout must neither wait for more
// input nor hold the answer in a buffer.
func TestAnswersStreamThroughPipes(t *testing.T) {
	cmd := exec.Command(bin, "primes", "-q")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for _, n := range []string{"7", "8"} {
		io.WriteString(stdin, n+"\n")
		select {
		case l := <-lines:
			if !strings.HasPrefix(l, n+" is prime: ") {
				t.Fatalf("got %q for %s", l, n)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no answer for %s within 5s while the input stays open", n)
		}
	}
}
