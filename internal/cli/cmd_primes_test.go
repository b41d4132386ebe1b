package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// primesRun runs `fanout primes` with args and stdin, returning stdout,
// stderr and the exit status.
func primesRun(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb strings.Builder
	code := Execute(context.Background(), Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb},
		append([]string{"primes", "-q", "--progress", "never"}, args...))
	return out.String(), errb.String(), code
}

func TestPrimesCommand(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		out, err    string
		code        int
	}{
		{name: "args", args: []string{"982451653", "561", "+0019"},
			out: "982451653 is prime: true\n561 is prime: false\n19 is prime: true\n"},
		{name: "stdin with a bad line", stdin: "7\r\n12a\n\n-3\n",
			out: "7 is prime: true\n-3 is prime: false\n", err: "line 2: \"12a\": not an integer\n", code: 1},
		{name: "json keeps bad lines", stdin: "2\n31.0\n", args: []string{"--json"},
			out: "{\"n\":\"2\",\"prime\":true}\n{\"line\":2,\"input\":\"31.0\",\"error\":\"not an integer\"}\n",
			err: "line 2: \"31.0\": not an integer\n", code: 1},
		{name: "halt on the first bad line", stdin: "7\n8\nxx\n9\nyy\n", args: []string{"--halt-on-error"},
			out: "7 is prime: true\n8 is prime: false\n", err: "line 3: \"xx\": not an integer\n", code: 1},
		{name: "primes only", stdin: "1\n2\n3\n4\n5\n", args: []string{"-p"}, out: "2\n3\n5\n"},
		{name: "empty stdin", stdin: "", err: "fanout: no numbers: standard input is empty\n", code: 2},
		{name: "blank stdin", stdin: "\n  \n", err: "fanout: no numbers: standard input held only blank lines\n", code: 2},
		{name: "range", args: []string{"--range", "90..110"}, out: "97\n101\n103\n107\n109\n"},
		{name: "range json", args: []string{"--range", "2..3", "--json"},
			out: "{\"n\":\"2\",\"prime\":true}\n{\"n\":\"3\",\"prime\":true}\n"},
		{name: "count", args: []string{"--range", "0..10^6", "--count"}, out: "78498\n"},
		{name: "count json", args: []string{"--range", "0..1e6", "--count", "--json"},
			out: "{\"lo\":\"0\",\"hi\":\"1000000\",\"count\":78498}\n"},
		{name: "count near 2^64", args: []string{"--range", "2^64-100..2^64-1", "--count"}, out: "3\n"}, // 2^64-59, -83, -95
		{name: "bad range", args: []string{"--range", "5..3"}, code: 2,
			err: "fanout: usage: --range: bad range \"5..3\": the start is past the end\nRun 'fanout help' for usage.\n"},
		{name: "count without range", args: []string{"--count"}, code: 2,
			err: "fanout: usage: --count needs --range A..B\nRun 'fanout help' for usage.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := primesRun(t, c.stdin, c.args...)
			if out != c.out || errs != c.err || code != c.code {
				t.Errorf("got stdout %q\nstderr %q\nexit %d\nwant %q\n%q\n%d", out, errs, code, c.out, c.err, c.code)
			}
		})
	}
}

// The seed's list, in the seed's order, all prime.
func TestPrimesSeedList(t *testing.T) {
	seed := strings.Fields("1116281 1297337 104395303 472882027 533000389 817504243 982451653")
	var args []string
	var want strings.Builder
	for range 5 {
		for _, n := range seed {
			args = append(args, n)
			want.WriteString(n + " is prime: true\n")
		}
	}
	out, errs, code := primesRun(t, "", args...)
	if out != want.String() || errs != "" || code != 0 {
		t.Fatalf("got %q %q %d", out, errs, code)
	}
}

// Many chunks through the engine come back in input order, and with
// --unordered every number still comes back once.
func TestPrimesManyChunksInOrder(t *testing.T) {
	var in, want strings.Builder
	for i := range 20_000 {
		n := uint64(i) * 1_000_003
		in.WriteString(strings.Repeat(" ", i%3) + itoa(n) + "\n")
		verdict := "false"
		if isPrimeSlow(n) {
			verdict = "true"
		}
		want.WriteString(itoa(n) + " is prime: " + verdict + "\n")
	}
	out, errs, code := primesRun(t, in.String(), "-j", "3")
	if out != want.String() || errs != "" || code != 0 {
		t.Fatalf("ordered output differs (exit %d, stderr %q)", code, errs)
	}
	out, _, _ = primesRun(t, in.String(), "-j", "3", "--unordered")
	got, exp := strings.Split(out, "\n"), strings.Split(want.String(), "\n")
	if len(got) != len(exp) {
		t.Fatalf("--unordered gave %d lines, want %d", len(got), len(exp))
	}
}

func TestPrimesFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(a, []byte("5\nxyz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A missing file is an input that fails, not a usage mistake: it is
	// named, the other files are read, and the exit status is 1.
	missing := filepath.Join(dir, "missing.txt")
	out, errs, code := primesRun(t, "", "-f", missing, "-f", a)
	if code != 1 || out != "5 is prime: true\n" || !strings.HasPrefix(errs, missing+": no such file or directory\n") || strings.Contains(errs, "fanout help") {
		t.Errorf("missing file: %q %q %d", out, errs, code)
	}
	out, errs, code = primesRun(t, "", "-f", missing)
	if code != 1 || out != "" || errs != missing+": no such file or directory\n" {
		t.Errorf("only a missing file: %q %q %d", out, errs, code)
	}
	out, errs, code = primesRun(t, "", "-f", a)
	if out != "5 is prime: true\n" || errs != a+": line 2: \"xyz\": not an integer\n" || code != 1 {
		t.Errorf("file: %q %q %d", out, errs, code)
	}
}

// GNU factor, when installed, agrees on a few thousand numbers of all sizes.
func TestPrimesAgreeWithFactor(t *testing.T) {
	factor, err := exec.LookPath("factor")
	if err != nil {
		t.Skip("GNU factor is not installed")
	}
	var in strings.Builder
	x := uint64(88172645463325252)
	for range 3000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		in.WriteString(itoa(x>>(x%60)) + "\n")
	}
	cmd := exec.Command(factor)
	cmd.Stdin = strings.NewReader(in.String())
	fout, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := primesRun(t, in.String())
	mine := strings.Split(strings.TrimSpace(out), "\n")
	for i, line := range strings.Split(strings.TrimSpace(string(fout)), "\n") {
		n, factors, _ := strings.Cut(line, ":")
		factors = strings.TrimSpace(factors)
		want := factors == n
		got := strings.HasSuffix(mine[i], "true")
		if got != want || !strings.HasPrefix(mine[i], n+" ") {
			t.Fatalf("line %d: factor says %q, fanout %q", i+1, line, mine[i])
		}
	}
}

func TestPrimesCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g, _, _ := testGlobals()
	g.Stdin = strings.NewReader("7\n")
	err := runPrimes(ctx, g, primesOptions{}, nil)
	if !errors.Is(err, context.Canceled) && ExitCode(err) != ExitInterrupted {
		t.Fatalf("runPrimes on a cancelled context = %v", err)
	}
}

func itoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func isPrimeSlow(n uint64) bool {
	if n < 2 {
		return false
	}
	for d := uint64(2); d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// Ctrl-C reaches every process of a pipeline: the writer dies mid-line
// (stdin ends) just as this run is interrupted. The cut line is not
// answered for, and the run says it was interrupted (exit 130), although
// every number it read was checked.
func TestPrimesInterruptedMidLine(t *testing.T) {
	for range 5 {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteString("11\n2449074"); err != nil { // 24490745, cut
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancelCause(context.Background())
		var out, errb syncBuffer
		go func() {
			for !strings.Contains(out.String(), "11 is prime") {
				time.Sleep(time.Millisecond)
			}
			w.Close()
			time.Sleep(time.Millisecond)
			cancel(ErrInterrupted)
		}()
		code := Execute(ctx, Env{Stdin: r, Stdout: &out, Stderr: &errb}, []string{"primes", "--progress", "never"})
		r.Close()
		if code != ExitInterrupted || out.String() != "11 is prime: true\n" || !strings.Contains(errb.String(), "interrupted") {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 130, only the whole line, and a summary that says interrupted", code, out.String(), errb.String())
		}
	}
}

// The summary of a range speaks of numbers, not of the spans it was cut in.
func TestPrimeRangeSummary(t *testing.T) {
	var out, errb strings.Builder
	code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb},
		[]string{"primes", "--progress", "never", "--range", "1..1e6", "--count"})
	if code != 0 || out.String() != "78498\n" || !strings.HasPrefix(errb.String(), "1000000 numbers: 1000000 ok, 0 failed in ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// The Ctrl-C notice is the command's own line on stderr, written through
// the bar's writer when a bar is shown, so that the bar does not draw over it.
func TestInterruptNotice(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	var out, errb syncBuffer
	time.AfterFunc(200*time.Millisecond, func() { cancel(ErrInterrupted) })
	code := Execute(ctx, Env{Stdin: r, Stdout: &out, Stderr: &errb}, []string{"primes", "--progress", "always"})
	if code != ExitInterrupted || strings.Count(errb.String(), "fanout: stopping; press Ctrl-C again to quit at once\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
