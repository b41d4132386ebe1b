package cli

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium returns the path of a Chromium or Chrome binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// pageWatch is set up in every document before its own scripts run: it
// counts alert() calls and Content-Security-Policy violations.
const pageWatch = `window.__alerts = 0;
window.alert = function () { window.__alerts++; };
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`

// startBrowser starts headless Chromium, which talks to the test over a
// pipe and resolves no host name (every name maps to nothing; 127.0.0.1
// is the only address it reaches), and returns its first tab. The test is
// skipped, with the reason, when no browser can start.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		t.Skip("skipped: no chromium on PATH (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	start := time.Now()
	defer func() { t.Logf("browser ready in %v", time.Since(start)) }()
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("skipped: chromium (%s) cannot start: %v", path, err)
	}
	return ctx
}

// newTab opens a tab of browser that counts the dialogs it opens.
func newTab(t *testing.T, browser context.Context) (context.Context, *atomic.Int32) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	dialogs := new(atomic.Int32)
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageWatch})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	return ctx, dialogs
}

// js evaluates expr in the tab, within 5 seconds.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// open navigates the tab to url and waits for the run page.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.Navigate(url), chromedp.WaitReady("#done")); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	js[bool](t, ctx, `window.__sameDocument = true`)
}

// text is the text of the element with id.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return js[string](t, ctx, `document.getElementById(`+fmt.Sprintf("%q", id)+`).textContent`)
}

// TestBrowser drives the run page in headless Chromium, one tab a case.
func TestBrowser(t *testing.T) {
	browser := startBrowser(t)
	t.Run("SeesRunLive", func(t *testing.T) { browserSeesRunLive(t, browser) })
	t.Run("ShowsHostileNamesAsText", func(t *testing.T) { browserShowsHostileNames(t, browser) })
}

// browserSeesRunLive opens the page of a titles run and watches the done
// count rise and reach the total, with no reload.
func browserSeesRunLive(t *testing.T, browser context.Context) {
	ctx, dialogs := newTab(t, browser)
	srv, release := gatedServer(t)
	var urls []string
	for i := range 20 {
		urls = append(urls, fmt.Sprintf("%s/page%d", srv.URL, i))
	}
	l := startLiveFanout(t, nil, append([]string{"titles", "-c", "2", "--retries", "0"}, urls...)...)
	open(t, ctx, l.url)
	seen := []string{text(t, ctx, "done")}
	step := func(n int, want string) {
		t.Helper()
		release(n)
		eventually(t, "done "+want+" on the page", func() bool {
			got := text(t, ctx, "done")
			if got != seen[len(seen)-1] {
				seen = append(seen, got)
			}
			return got == want
		})
	}
	step(5, "5")
	if s := text(t, ctx, "state"); s != "running" {
		t.Errorf("state %q while running", s)
	}
	step(7, "12")
	release(8)
	eventually(t, "the run finished on the page", func() bool { return text(t, ctx, "state") == "finished" })
	if done, total := text(t, ctx, "done"), text(t, ctx, "total"); done != "20" || total != "20" {
		t.Errorf("done %q of %q at the end, want 20 of 20", done, total)
	}
	if v := js[float64](t, ctx, `document.getElementById("bar").value`); v != 20 {
		t.Errorf("progress bar at %v", v)
	}
	if !js[bool](t, ctx, `window.__sameDocument === true`) {
		t.Error("the page was reloaded")
	}
	if n := js[int](t, ctx, `document.querySelectorAll("#timeline rect").length`); n < 1 {
		t.Error("no timeline bars")
	}
	if v := js[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
	if seen[0] != "0" || !slices.Contains(seen, "5") || !slices.Contains(seen, "12") {
		t.Errorf("done went %q", seen)
	}
	if dialogs.Load() != 0 {
		t.Error("a dialog opened")
	}
	if code := l.wait(t); code != ExitOK {
		t.Errorf("exit %d; stderr %q", code, l.stderr.String())
	}
}

// browserShowsHostileNames runs titles over URLs with markup in them:
// some fail before the page opens (the server renders them), some after
// (the script adds them). All must show as text, none as markup.
func browserShowsHostileNames(t *testing.T, browser context.Context) {
	ctx, dialogs := newTab(t, browser)
	srv, release := gatedServer(t)
	hostile := []string{
		`javascript:<script>alert(1)</script>`, // fails at once: bad_url, named as given
		srv.URL + "/ok",                        // waits for the gate
		`javascript:"><img src=x onerror=alert(2)>`,
		srv.URL + `/<script>alert(3)</script>`, // a 404
		`<script>alert(4)</script>`,
		srv.URL + "/last", // keeps the run going while the test looks
	}
	l := startLiveFanout(t, nil, append([]string{"titles", "-c", "1", "--retries", "0"}, hostile...)...)
	eventually(t, "the first failure", func() bool { return strings.Contains(l.fetch(t, "/"), "alert(1)") })
	open(t, ctx, l.url)
	cells := `Array.from(document.querySelectorAll("#fail-rows td.item")).map(e => e.textContent)`
	if got := js[[]string](t, ctx, cells); len(got) != 1 || got[0] != hostile[0] {
		t.Fatalf("item cells %q, want the first hostile name as text", got)
	}
	release(2) // /ok and the 404: then the two bad_url lines fail at once
	eventually(t, "4 failures listed", func() bool { return len(js[[]string](t, ctx, cells)) == 4 })
	got := js[[]string](t, ctx, cells)
	for _, want := range []string{hostile[0], hostile[2], `https://<script>alert(4)</script`, "%3Cscript%3Ealert%283%29%3C/script%3E"} {
		if !slices.ContainsFunc(got, func(c string) bool { return strings.Contains(c, want) }) {
			t.Errorf("no item cell shows %q as text: %q", want, got)
		}
	}
	if n := js[int](t, ctx, `document.querySelectorAll("script").length`); n != 1 {
		t.Errorf("%d script elements, want the page's own", n)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("img, #fail-rows script, #fail-rows *:not(tr):not(td)").length`); n != 0 {
		t.Errorf("%d elements injected", n)
	}
	if n := js[int](t, ctx, `window.__alerts`); n != 0 || dialogs.Load() != 0 {
		t.Errorf("alert ran %d times, %d dialogs", n, dialogs.Load())
	}
	if v := js[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
	release(1)
	if code := l.wait(t); code != ExitFailed {
		t.Errorf("exit %d; stderr %q", code, l.stderr.String())
	}
}
