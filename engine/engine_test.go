package engine

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// count yields 0, 1, ..., n-1.
func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func square(_ context.Context, n int) (int, error) { return n * n, nil }

func collect[In, Out any](t *testing.T, in iter.Seq[In], fn Func[In, Out], o Options) ([]Result[In, Out], Summary, error) {
	t.Helper()
	var got []Result[In, Out]
	sum, err := Run(context.Background(), in, fn, o, func(r Result[In, Out]) bool {
		got = append(got, r)
		return true
	})
	return got, sum, err
}

func TestRunOrderedKeepsInputOrder(t *testing.T) {
	// Early items are the slowest, so completion order differs from input order.
	slowFirst := func(_ context.Context, n int) (int, error) {
		if n < 8 {
			time.Sleep(time.Duration(8-n) * time.Millisecond)
		}
		return n * n, nil
	}
	for _, workers := range []int{1, 2, 7, 32} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			got, sum, err := collect(t, count(1000), slowFirst, Options{Workers: workers, Ordered: true, Window: 16})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Inputs != 1000 || sum.OK != 1000 || sum.Failed != 0 {
				t.Fatalf("summary %+v, want 1000 inputs all OK", sum)
			}
			for i, r := range got {
				if r.Index != i || r.In != i || r.Out != i*i {
					t.Fatalf("result %d = %+v, want index, input %d and output %d", i, r, i, i*i)
				}
			}
		})
	}
}

func TestRunUnorderedDeliversEveryItemOnce(t *testing.T) {
	got, sum, err := collect(t, count(10000), square, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10000 || sum.OK != 10000 {
		t.Fatalf("got %d results, summary %+v", len(got), sum)
	}
	seen := make([]bool, 10000)
	for _, r := range got {
		if seen[r.Index] {
			t.Fatalf("index %d delivered twice", r.Index)
		}
		seen[r.Index] = true
		if r.Out != r.In*r.In {
			t.Fatalf("item %d: out %d", r.In, r.Out)
		}
	}
}

func TestRunPanicBecomesItemError(t *testing.T) {
	fn := func(_ context.Context, n int) (int, error) {
		if n%10 == 3 {
			panic(fmt.Sprintf("bad item %d", n))
		}
		return n, nil
	}
	for _, ordered := range []bool{false, true} {
		got, sum, err := collect(t, count(100), fn, Options{Workers: 3, Ordered: ordered})
		if err != nil {
			t.Fatal(err)
		}
		if sum.OK != 90 || sum.Failed != 10 || len(got) != 100 {
			t.Fatalf("ordered=%v: summary %+v, %d results; want 90 OK, 10 failed", ordered, sum, len(got))
		}
		for _, r := range got {
			var pe *PanicError
			if r.In%10 == 3 {
				if !errors.As(r.Err, &pe) || !strings.Contains(r.Err.Error(), fmt.Sprintf("bad item %d", r.In)) {
					t.Fatalf("item %d: err %v, want a PanicError naming it", r.In, r.Err)
				}
				if len(pe.Stack) == 0 {
					t.Fatalf("item %d: panic without stack", r.In)
				}
			} else if r.Err != nil || r.Out != r.In {
				t.Fatalf("item %d: %+v, want success", r.In, r)
			}
		}
	}
}

func TestRunNoInputIsNotAllFailed(t *testing.T) {
	fail := func(_ context.Context, n int) (int, error) { return 0, errors.New("broken") }

	_, sum, err := collect(t, count(0), fail, Options{})
	if !errors.Is(err, ErrNoInput) || sum.Inputs != 0 {
		t.Fatalf("empty input: err %v, summary %+v; want ErrNoInput", err, sum)
	}

	_, sum, err = collect(t, count(5), fail, Options{})
	if err != nil || sum.Inputs != 5 || sum.Failed != 5 {
		t.Fatalf("all failing: err %v, summary %+v; want nil error and 5 failed", err, sum)
	}
}

func TestRunRetriesTransientErrorsOnly(t *testing.T) {
	var calls atomic.Int64
	fn := func(_ context.Context, n int) (int, error) {
		calls.Add(1)
		switch n {
		case 0: // transient forever
			return 0, Transient(errors.New("flaky"))
		case 1: // permanent
			return 0, errors.New("permanent")
		}
		return n, nil
	}
	got, sum, err := collect(t, count(3), fn, Options{Retries: 2, Backoff: time.Millisecond, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Attempts != 3 || got[1].Attempts != 1 || got[2].Attempts != 1 {
		t.Fatalf("attempts %d %d %d, want 3 1 1", got[0].Attempts, got[1].Attempts, got[2].Attempts)
	}
	if calls.Load() != 5 || sum.Failed != 2 {
		t.Fatalf("calls %d, summary %+v", calls.Load(), sum)
	}
}

func TestRunRetryHonoursAfter(t *testing.T) {
	var first time.Time
	fn := func(_ context.Context, n int) (time.Duration, error) {
		if first.IsZero() {
			first = time.Now()
			return 0, &TransientError{Err: errors.New("429"), After: 30 * time.Millisecond}
		}
		return time.Since(first), nil
	}
	got, _, _ := collect(t, count(1), fn, Options{Retries: 1, Backoff: time.Millisecond})
	if got[0].Err != nil || got[0].Out < 30*time.Millisecond {
		t.Fatalf("retried after %v (err %v), want at least 30ms", got[0].Out, got[0].Err)
	}
}

// An item waiting to be tried again when the run is cancelled did not
// finish: it is cancelled, not failed with its last error.
func TestCancelDuringRetryWait(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	waiting := errors.New("503, try again later")
	fn := func(context.Context, int) (int, error) {
		time.AfterFunc(50*time.Millisecond, func() { cancel(errors.New("Ctrl-C")) })
		return 0, &TransientError{Err: waiting, After: time.Hour}
	}
	var got []Result[int, int]
	sum, _ := Run(ctx, count(1), fn, Options{Retries: 3}, func(r Result[int, int]) bool { got = append(got, r); return true })
	if sum.Failed != 0 || sum.Canceled != 1 || len(got) != 1 || !got[0].Canceled {
		t.Fatalf("summary %+v, results %+v: want the item cancelled, not failed", sum, got)
	}
	if !errors.Is(got[0].Err, waiting) {
		t.Errorf("err %v: want it to keep the last error too", got[0].Err)
	}
}

func TestRunHaltOnError(t *testing.T) {
	fn := func(ctx context.Context, n int) (int, error) {
		if n == 50 {
			return 0, errors.New("item fifty is bad")
		}
		return n, nil
	}
	got, sum, err := collect(t, count(1_000_000), fn, Options{Workers: 2, HaltOnError: true})
	if !errors.Is(err, ErrHalted) || !strings.Contains(err.Error(), "item fifty") {
		t.Fatalf("err %v, want ErrHalted naming the first failure", err)
	}
	if sum.Inputs >= 1_000_000 || len(got) != sum.Inputs || sum.Failed != 1 {
		t.Fatalf("summary %+v with %d results: want an early stop, one failure, a result per input", sum, len(got))
	}
	failures, canceled := 0, 0
	for _, r := range got {
		switch {
		case r.Canceled:
			canceled++
			if r.Err == nil {
				t.Fatalf("item %d marked cancelled without an error", r.In)
			}
		case r.Err != nil:
			failures++
		}
	}
	if failures != 1 || canceled != sum.Canceled {
		t.Fatalf("%d failures and %d cancelled results, want 1 and %d", failures, canceled, sum.Canceled)
	}
}

func TestRunCancelMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var started, finished atomic.Int64
	fn := func(ctx context.Context, n int) (int, error) {
		started.Add(1)
		defer finished.Add(1)
		if n == 100 {
			cancel()
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
			return n, nil
		}
	}
	var results int
	sum, err := Run(ctx, count(1_000_000), fn, Options{Workers: 8, Ordered: true}, func(Result[int, int]) bool {
		results++
		return true
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if started.Load() != finished.Load() {
		t.Fatalf("%d started but %d finished when Run returned", started.Load(), finished.Load())
	}
	if sum.Inputs != results || sum.OK+sum.Failed+sum.Canceled != sum.Inputs || sum.Canceled == 0 {
		t.Fatalf("summary %+v, %d results: every input needs one result, some cancelled", sum, results)
	}
	if sum.Inputs > 200 {
		t.Fatalf("fed %d inputs after cancelling at item 100", sum.Inputs)
	}
	// goleak.VerifyTestMain checks that no goroutine outlives the tests;
	// check here too, so that a leak names this test.
	goleak.VerifyNone(t)
}

func TestMapBreakStopsTheRun(t *testing.T) {
	var n int
	for r := range Map(context.Background(), count(1_000_000), square, Options{Ordered: true}) {
		if r.Index != n {
			t.Fatalf("got index %d, want %d", r.Index, n)
		}
		n++
		if n == 10 {
			break
		}
	}
	goleak.VerifyNone(t)
}

func TestRunProgress(t *testing.T) {
	var events []Progress
	_, _, err := collect(t, count(20), square, Options{Total: 20, OnProgress: func(p Progress) { events = append(events, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 20 || events[19].Done != 20 || events[19].Total != 20 {
		t.Fatalf("got %d events, last %+v", len(events), events[len(events)-1])
	}
	if !slices.IsSortedFunc(events, func(a, b Progress) int { return a.Done - b.Done }) {
		t.Fatal("progress went backwards")
	}
}

func TestJobRaw(t *testing.T) {
	type in struct{ A, B int }
	j := Job[in, int]{Name: "add", Run: func(_ context.Context, v in) (int, error) { return v.A + v.B, nil }}
	out, err := j.Raw()(context.Background(), []byte(`{"A":2,"B":40}`))
	if err != nil || string(out) != "42" {
		t.Fatalf("Raw = %s, %v; want 42", out, err)
	}
	if _, err := j.Raw()(context.Background(), []byte(`{`)); err == nil || !strings.Contains(err.Error(), "add: decode input") {
		t.Fatalf("bad JSON: err %v", err)
	}
}

// TestOrderedWindowAppliesBackPressure blocks the first item and checks
// that the input is held back once the window is full, instead of the
// reorder buffer growing.
func TestOrderedWindowAppliesBackPressure(t *testing.T) {
	release := make(chan struct{})
	var fed atomic.Int64
	in := func(yield func(int) bool) {
		for i := range 10_000 {
			fed.Add(1)
			if !yield(i) {
				return
			}
		}
	}
	fn := func(_ context.Context, n int) (int, error) {
		if n == 0 {
			<-release
		}
		return n, nil
	}
	done := make(chan Summary)
	go func() {
		sum, _ := Run(context.Background(), in, fn, Options{Workers: 4, Ordered: true, Window: 64}, func(Result[int, int]) bool { return true })
		done <- sum
	}()
	time.Sleep(50 * time.Millisecond)
	// The window holds 64 items; the feeder may hold one more it has read.
	if f := fed.Load(); f > 64+1 {
		t.Fatalf("%d inputs read while the first item was blocked, want at most 65", f)
	}
	close(release)
	if sum := <-done; sum.OK != 10_000 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestIndexOf(t *testing.T) {
	fn := func(ctx context.Context, n int) (int, error) {
		i, ok := IndexOf(ctx)
		if !ok {
			return -1, nil
		}
		return i, nil
	}
	for _, indexed := range []bool{true, false} {
		got, _, _ := collect(t, count(50), fn, Options{Workers: 4, Indexed: indexed})
		for _, r := range got {
			if want := map[bool]int{true: r.Index, false: -1}[indexed]; r.Out != want {
				t.Fatalf("indexed %v: item %d saw index %d", indexed, r.Index, r.Out)
			}
		}
	}
}
