package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the broker page screenshots under docs/")

var (
	brokerPageURL = regexp.MustCompile(`fanout broker: page at (http://127\.0\.0\.1:\d+/)`)
	brokerNATSURL = regexp.MustCompile(`listening on (nats://127\.0\.0\.1:\d+)`)
)

// testCluster is a broker with --http and two workers, run in process.
type testCluster struct {
	nats, page string
}

// startCluster starts a broker (its page on a free loopback port) and two
// workers of one slot each, until the test ends.
func startCluster(t *testing.T) testCluster {
	t.Helper()
	run := func(args ...string) *syncBuffer {
		ctx, cancel := context.WithCancel(context.Background())
		stderr, done := &syncBuffer{}, make(chan int, 1)
		go func() { done <- Execute(ctx, Env{Stdout: &syncBuffer{}, Stderr: stderr}, args) }()
		t.Cleanup(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("fanout %s did not end", args[0])
			}
		})
		return stderr
	}
	find := func(buf *syncBuffer, re *regexp.Regexp) string {
		deadline := time.Now().Add(15 * time.Second)
		for {
			if m := re.FindStringSubmatch(buf.String()); m != nil {
				return m[1]
			}
			if time.Now().After(deadline) {
				t.Fatalf("not found %s in %q", re, buf.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	b := run("broker", "--listen", "127.0.0.1:0", "--store", t.TempDir(), "--http", "127.0.0.1:0")
	c := testCluster{nats: find(b, brokerNATSURL), page: find(b, brokerPageURL)}
	for range 2 {
		run("worker", "--nats", c.nats, "-j", "1", "-q")
	}
	return c
}

// submit runs fanout args on the cluster with stdin, and returns its
// run's id once it has one.
func (c testCluster) submit(t *testing.T, stdin string, args ...string) (id string, wait func() int) {
	t.Helper()
	args = append(args[:1:1], append([]string{"--nats", c.nats, "--progress", "never"}, args[1:]...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	stderr, done := &syncBuffer{}, make(chan int, 1)
	go func() {
		defer cancel()
		done <- Execute(ctx, Env{Stdin: strings.NewReader(stdin), Stdout: &syncBuffer{}, Stderr: stderr}, args)
	}()
	t.Cleanup(func() { cancel(); <-done; done <- 0 })
	re := regexp.MustCompile(`run (\w+) on nats`)
	eventually(t, "a run id", func() bool { return re.MatchString(stderr.String()) })
	return re.FindStringSubmatch(stderr.String())[1], func() int {
		code := <-done
		done <- code
		return code
	}
}

// numbers is the text of the numbers from lo to hi, one a line.
func numbers(lo, hi int) string {
	var b strings.Builder
	for n := lo; n <= hi; n++ {
		b.WriteString(strconv.Itoa(n))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestBrowserBroker drives the broker's pages in headless Chromium: the
// runs page follows a primes run of two workers to its end without a
// reload, and a run page shows hostile input as text.
func TestBrowserBroker(t *testing.T) {
	browser := startBrowser(t)
	c := startCluster(t)
	ctx, dialogs := newTab(t, browser)

	// The page is open first; the run's row comes over the event
	// stream. About 60 chunks of big numbers, one task each, for two one-slot
	// workers.
	nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	if err := chromedp.Do(nctx, chromedp.Navigate(c.page), chromedp.WaitReady(`#run-rows`)); err != nil {
		t.Fatal(err)
	}
	cancel()
	js[bool](t, ctx, `window.__sameDocument = true`)
	id, wait := c.submit(t, numbers(9_000_000_000_000_000_000, 9_000_000_000_001_500_000), "primes") // big: a few seconds of work
	cell := func(col string) string {
		return js[string](t, ctx, `(function(){const r=document.querySelector('#run-rows tr[data-id="`+id+`"] [data-col="`+col+`"]');return r?r.textContent:""})()`)
	}
	var seen []string
	// Under the race detector, on two shared cores, the run may take a
	// while: wait longer than eventually does.
	waitFor(t, 45*time.Second, "the run's done count reaching its total", func() bool {
		d := cell("done")
		if d != "" && (len(seen) == 0 || seen[len(seen)-1] != d) {
			seen = append(seen, d)
		}
		return code(wait) && d != "" && d == cell("total") && js[string](t, ctx, `document.querySelector('#run-rows tr[data-id="`+id+`"] .state').textContent`) == "finished"
	})
	if len(seen) < 2 || seen[0] == seen[len(seen)-1] {
		t.Errorf("done went %q: never rose on the page", seen)
	}
	if !js[bool](t, ctx, `window.__sameDocument === true`) {
		t.Error("the page was reloaded")
	}
	t.Logf("done went %q", seen)

	// Hostile input: bad lines of primes and URLs titles refuses, named on
	// the run page as text.
	hostile := "1\n<script>alert(1)</script>\n\"><img src=x onerror=alert(2)>\n7\n"
	pid, pwait := c.submit(t, hostile, "primes")
	if code := pwait(); code != ExitFailed {
		t.Errorf("primes exit %d", code)
	}
	tid, twait := c.submit(t, "", "titles", "--retries", "0", `javascript:<script>alert(3)</script>`, `javascript:"><img src=x onerror=alert(4)>`)
	if code := twait(); code != ExitFailed {
		t.Errorf("titles exit %d", code)
	}
	for _, run := range []struct{ id, want string }{{pid, "alert(2)"}, {tid, "alert(4)"}} {
		nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(nctx, chromedp.Navigate(c.page+"runs/"+run.id), chromedp.WaitReady("#fail-rows"))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		rows := `Array.from(document.querySelectorAll("#fail-rows tr")).map(e => e.textContent)`
		// The page lists them live when they come after it opened (the
		// broker's monitor may lag on a loaded machine under -race).
		waitFor(t, 40*time.Second, "2 failures listed", func() bool { return len(js[[]string](t, ctx, rows)) == 2 })
		if got := js[[]string](t, ctx, rows); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, run.want) }) {
			t.Errorf("run %s: no row shows %q as text: %q", run.id, run.want, got)
		}
		if n := js[int](t, ctx, `document.querySelectorAll("img, #fail-rows script, #fail-rows *:not(tr):not(td)").length`); n != 0 {
			t.Errorf("%d elements injected", n)
		}
		if *updateScreenshots && run.id == pid {
			screenshot(t, ctx, "docs/broker-run-failures.png")
		}
	}
	if *updateScreenshots {
		nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(nctx, chromedp.Navigate(c.page), chromedp.WaitReady("#run-rows"))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, "docs/broker-runs.png")
	}
	if n := js[int](t, ctx, `window.__alerts`); n != 0 || dialogs.Load() != 0 {
		t.Errorf("alert ran %d times, %d dialogs", n, dialogs.Load())
	}
	if v := js[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

// code reports whether the run wait waits for has ended, without waiting.
func code(wait func() int) bool {
	ch := make(chan struct{})
	go func() { wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-time.After(time.Millisecond):
		return false
	}
}

// screenshot saves the tab's page, as wide as a laptop's screen, to path
// under the module's root.
func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 800), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", path)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(png))
}

// waitFor polls cond every 10ms for at most d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
