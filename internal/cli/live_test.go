package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// gatedServer serves pages on 127.0.0.1, each only once release lets it:
// a test decides when items finish. A path holding "missing" or markup
// is a 404.
func gatedServer(t *testing.T) (*httptest.Server, func(n int)) {
	t.Helper()
	gate, quit := make(chan struct{}, 1000), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate:
		case <-quit:
		case <-r.Context().Done():
			return
		}
		if strings.Contains(r.URL.Path, "missing") || strings.ContainsAny(r.URL.RawPath+r.URL.Path, "<>\"") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %s</title></head></html>", r.URL.Path)
	}))
	t.Cleanup(func() { close(quit); srv.Close() })
	return srv, func(n int) {
		for range n {
			gate <- struct{}{}
		}
	}
}

// liveFanout is a fanout command with --http running in the background.
type liveFanout struct {
	url    string // its page, http://127.0.0.1:PORT/
	stderr *syncBuffer
	stdout *syncBuffer
	done   chan int // its exit status
}

var liveURL = regexp.MustCompile(`live page at (http://127\.0\.0\.1:\d+/)`)

// startLive runs fanout with args and --http on a free loopback port, and
// returns once its page is served.
func startLiveFanout(t *testing.T, stdin io.Reader, args ...string) *liveFanout {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	l := &liveFanout{stderr: &syncBuffer{}, stdout: &syncBuffer{}, done: make(chan int, 1)}
	args = append(args[:1:1], append([]string{"--http", "127.0.0.1:0", "--progress", "never"}, args[1:]...)...)
	go func() {
		defer cancel()
		l.done <- Execute(ctx, Env{Stdin: stdin, Stdout: l.stdout, Stderr: l.stderr}, args)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-l.done:
		case <-time.After(10 * time.Second):
			t.Error("fanout did not end")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := liveURL.FindStringSubmatch(l.stderr.String()); m != nil {
			l.url = m[1]
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("no live page announced; stderr %q", l.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait returns the command's exit status.
func (l *liveFanout) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-l.done:
		l.done <- code // for the cleanup
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("fanout did not end; stderr %q", l.stderr.String())
		return -1
	}
}

// fetch GETs path from the live page's server.
func (l *liveFanout) fetch(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(l.url + strings.TrimPrefix(path, "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s: %d %v %s", path, resp.StatusCode, err, b)
	}
	return string(b)
}

// items returns fanout_items_total{result} as Prometheus' parser reads it.
func (l *liveFanout) items(t *testing.T, result string) float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mf, err := p.TextToMetricFamilies(strings.NewReader(l.fetch(t, "/metrics")))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	f := mf["fanout_items_total"]
	if f == nil || f.GetType() != dto.MetricType_COUNTER {
		t.Fatalf("no counter fanout_items_total: %v", f)
	}
	for _, m := range f.Metric {
		for _, lp := range m.Label {
			if lp.GetName() == "result" && lp.GetValue() == result {
				return m.Counter.GetValue()
			}
		}
	}
	t.Fatalf("no fanout_items_total{result=%q}", result)
	return 0
}

// eventually polls cond every 10ms for at most 10s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLiveTitlesMetricsRise(t *testing.T) {
	srv, release := gatedServer(t)
	var urls []string
	for i := range 12 {
		path := fmt.Sprintf("/page%d", i)
		if i%4 == 3 {
			path = fmt.Sprintf("/missing%d", i)
		}
		urls = append(urls, srv.URL+path)
	}
	l := startLiveFanout(t, nil, append([]string{"titles", "-c", "2", "--retries", "0"}, urls...)...)
	if ok := l.items(t, "ok"); ok != 0 {
		t.Fatalf("ok before any page answered: %v", ok)
	}
	release(6)
	eventually(t, "6 items on /metrics", func() bool { return l.items(t, "ok")+l.items(t, "failed") == 6 })
	if ok, failed := l.items(t, "ok"), l.items(t, "failed"); ok != 5 || failed != 1 {
		t.Errorf("after 6 pages: %v ok, %v failed; want 5, 1", ok, failed)
	}
	page := l.fetch(t, "/")
	for _, want := range []string{`data-field="done">6<`, `data-field="state">running<`, `<option value="http_status">http_status (1)</option>`, "/missing3"} {
		if !strings.Contains(page, want) {
			t.Errorf("run page lacks %q", want)
		}
	}
	var fp struct {
		Matches int
		Rows    []struct {
			Item, Class, Reason string
			Attempts            int
		}
	}
	if err := json.Unmarshal([]byte(l.fetch(t, "/runs/local/failures.json?class=http_status")), &fp); err != nil {
		t.Fatal(err)
	}
	if fp.Matches != 1 || fp.Rows[0].Item != srv.URL+"/missing3" || fp.Rows[0].Attempts != 1 || !strings.Contains(fp.Rows[0].Reason, "404") {
		t.Errorf("failures %+v", fp)
	}
	release(6)
	if code := l.wait(t); code != ExitFailed {
		t.Errorf("exit %d, want 1; stderr %q", code, l.stderr.String())
	}
	if _, err := http.Get(l.url); err == nil {
		t.Error("the live page is still served after the run")
	}
	if !strings.Contains(l.stderr.String(), "12 URLs: 9 ok, 3 failed") {
		t.Errorf("stderr %q", l.stderr.String())
	}
}

// TestLivePrimesCountsNumbers feeds primes slowly through a pipe: the page
// counts numbers (not chunks) and names bad lines.
func TestLivePrimesCountsNumbers(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	l := startLiveFanout(t, pr, "primes", "-p")
	fmt.Fprint(pw, "2\n3\n4\n")
	eventually(t, "3 numbers done", func() bool { return l.items(t, "ok") == 3 })
	fmt.Fprint(pw, "12a\n5\n")
	eventually(t, "a bad line", func() bool { return l.items(t, "failed") == 1 })
	if p := l.fetch(t, "/runs/local/failures.json"); !strings.Contains(p, `"item":"line 4"`) || !strings.Contains(p, `not an integer`) {
		t.Errorf("failures %s", p)
	}
	pw.Close()
	if code := l.wait(t); code != ExitFailed {
		t.Errorf("exit %d, want 1; stderr %q", code, l.stderr.String())
	}
	if l.stdout.String() != "2\n3\n5\n" {
		t.Errorf("stdout %q", l.stdout.String())
	}
}

func TestHTTPFlagUsage(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"primes", "--http", "0.0.0.0:0", "7"}, "listens beyond this machine: give a token with --http-token or $FANOUT_HTTP_TOKEN"},
		{[]string{"titles", "--http", "10.1.2.3:8080", "http://127.0.0.1:9/"}, "give a token"},
		{[]string{"primes", "--http", "127.0.0.1:http", "7"}, "--http"},
		{[]string{"primes", "--http", "", "7"}, "--http needs an address"},
		{[]string{"worker", "--http", "0.0.0.0:0", "--nats", "nats://127.0.0.1:9"}, "give a token"},
		{[]string{"broker", "--http", "10.1.2.3:8080"}, "give a token"},
		{[]string{"runs", "--http", ":0"}, "unknown flag: --http"},
	}
	for _, tt := range tests {
		t.Setenv("FANOUT_HTTP_TOKEN", "")
		var out, errb bytes.Buffer
		code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, tt.args)
		if code != ExitUsage || !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tt.args, code, errb.String(), tt.stderr)
		}
		if strings.Contains(errb.String(), "live page at") {
			t.Errorf("%q: a server started", tt.args)
		}
	}
}

// TestLiveToken gives a loopback run a token (from $FANOUT_HTTP_TOKEN):
// every request must then bring it.
func TestLiveToken(t *testing.T) {
	t.Setenv("FANOUT_HTTP_TOKEN", "t0ken")
	srv, release := gatedServer(t)
	l := startLiveFanout(t, nil, "titles", srv.URL+"/a")
	ask := func(path, auth string) int {
		req, _ := http.NewRequest("GET", l.url+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{"", "metrics", "runs/local/events", "runs/local/failures.json"} {
		if code := ask(path, ""); code != http.StatusUnauthorized {
			t.Errorf("/%s without the token: %d", path, code)
		}
		if code := ask(path, "Bearer t0ke"); code != http.StatusUnauthorized {
			t.Errorf("/%s with a wrong token: %d", path, code)
		}
	}
	if code := ask("metrics", "Bearer t0ken"); code != http.StatusOK {
		t.Errorf("/metrics with the token: %d", code)
	}
	release(1)
	if code := l.wait(t); code != ExitOK {
		t.Errorf("exit %d; stderr %q", code, l.stderr.String())
	}
	if strings.Contains(l.stderr.String(), "t0ken") {
		t.Errorf("the token is printed: %q", l.stderr.String())
	}
}
