package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

func testGlobals() (*Globals, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	g := &Globals{Progress: "never", Stdout: bufio.NewWriter(&out), Stderr: &errb}
	return g, &out, &errb
}

// atoiTask parses numbers; "boom" panics, anything else non-numeric fails.
func atoiTask(inputs ...string) Task[string, int] {
	return Task[string, int]{
		Job: engine.Job[string, int]{Name: "atoi", Run: func(_ context.Context, s string) (int, error) {
			if s == "boom" {
				panic("exploded")
			}
			return strconv.Atoi(s)
		}},
		Inputs:  slices.Values(inputs),
		Ordered: true,
		Noun:    "numbers",
		NoInput: "no numbers given",
		Emit: func(r engine.Result[string, int], _ *Report) error {
			return nil
		},
	}
}

func TestDriveExitStatus(t *testing.T) {
	tests := []struct {
		name      string
		inputs    []string
		code      int
		stdout    string
		stderrHas []string
		stderrNot []string
	}{
		{"all good", []string{"1", "2"}, ExitOK, "1\n2\n", []string{"2 numbers: 2 ok, 0 failed"}, nil},
		{"one bad item", []string{"1", "x", "3"}, ExitFailed, "1\n3\n",
			[]string{`x: strconv.Atoi: parsing "x": invalid syntax`, "3 numbers: 2 ok, 1 failed"}, nil},
		{"a panicking item", []string{"boom", "7"}, ExitFailed, "7\n", []string{"boom: panic: exploded"}, nil},
		{"no input at all", nil, ExitUsage, "", []string{"no numbers given"}, []string{"0 numbers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, out, errb := testGlobals()
			task := atoiTask(tt.inputs...)
			task.Emit = func(r engine.Result[string, int], _ *Report) error {
				if r.Err == nil {
					fmt.Fprintln(g.Stdout, r.Out)
				}
				return nil
			}
			err := Drive(context.Background(), g, task)
			if err != nil {
				var done errReported
				if !errors.As(err, &done) {
					fmt.Fprintln(errb, err) // as Execute does
				}
			}
			if code := ExitCode(err); code != tt.code {
				t.Errorf("exit %d, want %d (err %v)", code, tt.code, err)
			}
			if out.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr %q lacks %q", errb, s)
				}
			}
			for _, s := range tt.stderrNot {
				if strings.Contains(errb.String(), s) {
					t.Errorf("stderr %q has %q", errb, s)
				}
			}
		})
	}
}

func TestDriveInterrupted(t *testing.T) {
	g, _, errb := testGlobals()
	ctx, cancel := context.WithCancelCause(context.Background())
	task := Task[int, int]{
		Job: engine.Job[int, int]{Name: "wait", Workers: 2, Run: func(ctx context.Context, n int) (int, error) {
			if n == 1 {
				cancel(ErrInterrupted)
			}
			<-ctx.Done()
			return 0, ctx.Err()
		}},
		Inputs: func(yield func(int) bool) {
			for i := 0; yield(i); i++ {
			}
		},
		Noun: "items",
	}
	err := Drive(ctx, g, task)
	if code := ExitCode(err); code != ExitInterrupted {
		t.Fatalf("exit %d, want 130 (err %v)", code, err)
	}
	if !strings.Contains(errb.String(), "interrupted: 0 items: 0 ok, 0 failed") {
		t.Fatalf("summary %q does not say it was interrupted and what was done", errb)
	}
}

func TestExecuteUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--bogus"}, {"version", "extra"}, {"completion", "tcsh"}, {"--progress", "sometimes", "version"}, {"-j", "-3", "version"}} {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
		if code != ExitUsage || !strings.Contains(errb.String(), "usage:") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a usage line", args, code, errb.String())
		}
	}
}

func TestExecuteVersion(t *testing.T) {
	var out, errb bytes.Buffer
	code := Execute(context.Background(), Env{Stdout: &out, Stderr: &errb}, []string{"version"})
	if code != 0 || !strings.HasPrefix(out.String(), "fanout ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

func TestDriveProgressBar(t *testing.T) {
	g, _, errb := testGlobals()
	g.Progress = "always"
	task := atoiTask("1", "2", "3")
	task.Total = 3
	if err := Drive(context.Background(), g, task); err != nil {
		t.Fatal(err)
	}
	// Into a file, --progress always writes whole lines, never a bar
	// redrawn in place.
	if strings.ContainsAny(errb.String(), "[\r") || !strings.HasPrefix(errb.String(), "3 numbers: 3 ok") {
		t.Fatalf("stderr %q: want only whole lines", errb.String())
	}

	g, _, errb = testGlobals()
	g.Progress = "auto" // stderr is not a terminal here: no bar
	if err := Drive(context.Background(), g, atoiTask("1")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errb.String(), "[") {
		t.Fatalf("stderr %q has a bar although it is no terminal", errb.String())
	}
}

func TestProgressLines(t *testing.T) {
	for _, tc := range []struct {
		total, done int
		size, bytes int64
		elapsed     time.Duration
		want        string
	}{
		{5000, 1200, 0, 0, 3 * time.Second, "numbers 1200 / 5000 (24%), 400/s, ETA 10s"},
		{5000, 5000, 0, 0, 3 * time.Second, "numbers 5000 / 5000 (100%), 1667/s"},
		{0, 1200, 0, 0, 2 * time.Second, "numbers 1200, 600/s"},
		{100, 0, 0, 0, time.Second, "numbers 0 / 100 (0%), 0/s"},
		{0, 1200, 4000, 1000, 2 * time.Second, "numbers 1200 (25% of the input), 600/s, ETA 6s"},
	} {
		l := &progressLines{noun: "numbers", total: tc.total, size: tc.size}
		if got := l.line(tc.done, tc.bytes, tc.elapsed); got != tc.want {
			t.Errorf("line(%d of %d, %v) = %q, want %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

// After an interruption, ordered output stops at the first item that did
// not finish: what was printed is a prefix of the full output, and the
// summary counts the finished items after it as not done. Unordered output
// keeps every item that finished.
func TestInterruptedOrderedOutputIsAPrefix(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		g, out, errb := testGlobals()
		ctx, cancel := context.WithCancelCause(context.Background())
		later := make(chan struct{}, 20)
		task := Task[int, int]{
			Job: engine.Job[int, int]{Name: "slow5", Workers: 4, Run: func(ctx context.Context, n int) (int, error) {
				if n == 5 { // blocks until the run is interrupted
					<-ctx.Done()
					return 0, ctx.Err()
				}
				later <- struct{}{}
				return n, nil
			}},
			Inputs:  slices.Values([]int{0, 1, 2, 3, 4, 5, 6, 7, 8}),
			Ordered: ordered,
			Noun:    "items",
			Emit: func(r engine.Result[int, int], _ *Report) error {
				if r.Err == nil {
					fmt.Fprintln(g.Stdout, r.Out)
				}
				return nil
			},
		}
		go func() {
			for range 8 { // every item but 5 has finished
				<-later
			}
			cancel(ErrInterrupted)
		}()
		err := Drive(ctx, g, task)
		if ExitCode(err) != ExitInterrupted {
			t.Fatalf("ordered %v: exit %d (%v), want 130", ordered, ExitCode(err), err)
		}
		got := strings.Fields(out.String())
		slices.Sort(got)
		want := "0 1 2 3 4"
		if !ordered {
			want = "0 1 2 3 4 6 7 8"
		}
		if strings.Join(got, " ") != want {
			t.Errorf("ordered %v: printed %v, want %s", ordered, got, want)
		}
		if ordered && !strings.Contains(errb.String(), "interrupted: 5 items: 5 ok, 0 failed") || !strings.Contains(errb.String(), "1 cancelled before finishing, 3 finished after it but left out") && ordered {
			t.Errorf("ordered: summary %q", errb.String())
		}
	}
}
