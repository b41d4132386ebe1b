package main

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ctrlCRuns is how many interrupted runs each Ctrl-C stress case makes:
// FANOUT_CTRLC_RUNS, 6 by default (bench/cli/ctrlc runs 50).
func ctrlCRuns(t *testing.T) int {
	if s := os.Getenv("FANOUT_CTRLC_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("FANOUT_CTRLC_RUNS=%q", s)
		}
		return n
	}
	return 6
}

// Ctrl-C at a random moment, as a terminal sends it: to fanout and to the
// program writing its input, which dies mid-line. Every time: exit 130, a
// summary that says so, and an output that is a prefix of the full one in
// which every line is right.
func TestCtrlCStressPrimes(t *testing.T) {
	for run := range ctrlCRuns(t) {
		cmd := exec.Command(bin, "primes", "-j", "1")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		after := time.Duration(50+rand.IntN(350)) * time.Millisecond
		stop := time.Now().Add(after)
		// The writer: numbers 1, 2, 3... until the signal, then half a
		// line, then gone (seq killed by the same Ctrl-C).
		var buf []byte
		n := uint64(1)
		for time.Now().Before(stop) {
			buf = buf[:0]
			for range 1000 {
				buf = strconv.AppendUint(buf, n*1000003, 10)
				buf = append(buf, '\n')
				n++
			}
			if _, err := stdin.Write(buf); err != nil {
				t.Fatal(err)
			}
		}
		cmd.Process.Signal(syscall.SIGINT)
		stdin.Write(strconv.AppendUint(nil, n*1000003, 10)[:3])
		stdin.Close()
		waitStopped(t, cmd, &errb, 20*time.Second)
		lines := strings.Split(out.String(), "\n")
		if last := lines[len(lines)-1]; last != "" {
			t.Fatalf("run %d (Ctrl-C after %v): output ends in a cut line %q", run, after, last)
		}
		var z big.Int
		for i, line := range lines[:len(lines)-1] {
			k := uint64(i+1) * 1000003
			z.SetUint64(k)
			if want := fmt.Sprintf("%d is prime: %t", k, z.ProbablyPrime(0)); line != want {
				t.Fatalf("run %d (Ctrl-C after %v): line %d is %q, want %q", run, after, i+1, line, want)
			}
		}
		t.Logf("run %d: Ctrl-C after %v, %d lines of %d numbers written", run, after, len(lines)-1, n-1)
	}
}

// The same for titles in input order (--ordered): the pages answer after
// a random delay, and the output is a prefix of the full one.
func TestCtrlCStressTitles(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Duration(rand.IntN(40)) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, "<title>page %s</title>", strings.TrimPrefix(r.URL.Path, "/"))
	}))
	defer srv.Close()
	var urls strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&urls, "%s/%d\n", srv.URL, i)
	}
	for run := range ctrlCRuns(t) {
		cmd := exec.Command(bin, "titles", "--ordered", "-c", "16")
		cmd.Stdin = strings.NewReader(urls.String())
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		after := time.Duration(100+rand.IntN(600)) * time.Millisecond
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGINT)
		waitStopped(t, cmd, &errb, 20*time.Second)
		lines := strings.Split(out.String(), "\n")
		if last := lines[len(lines)-1]; last != "" {
			t.Fatalf("run %d: output ends in a cut line %q", run, last)
		}
		for i, line := range lines[:len(lines)-1] {
			if want := fmt.Sprintf("%s/%d\tpage %d", srv.URL, i, i); line != want {
				t.Fatalf("run %d (Ctrl-C after %v): line %d is %q, want %q", run, after, i+1, line, want)
			}
		}
		t.Logf("run %d: Ctrl-C after %v, %d lines", run, after, len(lines)-1)
	}
}
