package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/title"
)

// titlesServer serves a few pages on 127.0.0.1: /slow answers last.
func titlesServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
			return
		case "/slow":
			time.Sleep(100 * time.Millisecond)
		case "/empty":
			fmt.Fprint(w, "<html><head><title> </title></head></html>")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %s &amp; co</title></head></html>", r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func runFanout(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	args = append(args[:1:1], append([]string{"--retries", "0"}, args[1:]...)...)
	code = Execute(ctx, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestTitlesCommand(t *testing.T) {
	srv := titlesServer(t)
	u := srv.URL
	tests := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		stdout     string // exact, when ordered
		stderrHas  string
		stdoutHas  []string
		noStderrOf string
	}{
		{
			name:   "arguments, ordered",
			args:   []string{"titles", "-q", "--ordered", u + "/slow", u + "/a"},
			stdout: u + "/slow\tPage /slow & co\n" + u + "/a\tPage /a & co\n",
		},
		{
			name:      "completion order by default",
			args:      []string{"titles", "-q", u + "/slow", u + "/a"},
			stdout:    u + "/a\tPage /a & co\n" + u + "/slow\tPage /slow & co\n",
			stderrHas: "",
		},
		{
			name:   "stdin with blanks and comments, title only",
			stdin:  "# my list\n\n" + u + "/one\n   \n" + u + "/two\n",
			args:   []string{"titles", "-q", "--ordered", "-t"},
			stdout: "Page /one & co\nPage /two & co\n",
		},
		{
			name:      "a failed URL is named on stderr and exits 1",
			args:      []string{"titles", "-q", "--ordered", u + "/a", u + "/missing"},
			code:      ExitFailed,
			stdout:    u + "/a\tPage /a & co\n",
			stderrHas: u + "/missing: http_status: HTTP 404 Not Found\n",
		},
		{
			name:      "an empty title is no_title, said once",
			args:      []string{"titles", "-q", u + "/empty"},
			code:      ExitFailed,
			stderrHas: u + "/empty: no_title: the <title> is empty\n",
		},
		{
			name:      "another scheme is a bad URL",
			args:      []string{"titles", "-q", "mailto:a@" + strings.TrimPrefix(u, "http://")},
			code:      ExitFailed,
			stderrHas: "mailto:a@" + strings.TrimPrefix(u, "http://") + ": bad_url: scheme \"mailto\" is not http or https\n",
		},
		{
			name:      "empty stdin exits 2",
			stdin:     "# nothing\n\n",
			args:      []string{"titles"},
			code:      ExitUsage,
			stderrHas: "no URLs",
		},
		{
			name:      "a missing URL file is a failed input",
			args:      []string{"titles", "-f", "no-such-file.txt"},
			code:      ExitFailed,
			stderrHas: "no-such-file.txt: no such file or directory\n",
		},
		{
			name:      "bad flag exits 2",
			args:      []string{"titles", "-c", "0", u},
			code:      ExitUsage,
			stderrHas: "-c must be at least 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runFanout(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if tt.stdout != "" && stdout != tt.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderrHas)
			}
		})
	}
}

func TestTitlesJSON(t *testing.T) {
	srv := titlesServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	code, stdout, stderr := runFanout(t, srv.URL+"/a\n"+host+"/bare\n"+srv.URL+"/missing\n", "titles", "-q", "--json", "--ordered")
	if code != ExitFailed {
		t.Errorf("exit %d, want 1; stderr: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want one per URL:\n%s", len(lines), stdout)
	}
	var pages []title.Page
	for _, l := range lines {
		var p title.Page
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("bad JSON %q: %v", l, err)
		}
		pages = append(pages, p)
	}
	if p := pages[0]; p.Title != "Page /a & co" || p.Status != 200 || p.Charset != "utf-8" || p.FinalURL != srv.URL+"/a" || p.Error != "" || p.BytesRead == 0 {
		t.Errorf("good page: %+v", p)
	}
	// A bare host gets https://; this server speaks plain HTTP, so TLS fails.
	if p := pages[1]; p.URL != "https://"+host+"/bare" || p.Error != title.ClassTLS {
		t.Errorf("bare host: %+v, want https:// and class tls", p)
	}
	if p := pages[2]; p.Error != title.ClassHTTPStatus || p.Status != 404 || p.Title != "" {
		t.Errorf("missing page: %+v", p)
	}
	for _, key := range []string{`"url"`, `"final_url"`, `"status"`, `"title"`, `"content_type"`, `"charset"`, `"bytes_read"`, `"ms"`, `"error"`} {
		if !strings.Contains(lines[0], key) {
			t.Errorf("JSON lacks %s: %s", key, lines[0])
		}
	}
}

func TestTitlesFromFile(t *testing.T) {
	srv := titlesServer(t)
	list := filepath.Join(t.TempDir(), "urls.txt")
	// Port 1 on loopback has no listener: a connect error, named on stderr.
	if err := os.WriteFile(list, []byte("# list\n"+srv.URL+"/file\n\nhttp://127.0.0.1:1/a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runFanout(t, "", "titles", "-q", "--ordered", srv.URL+"/arg", "-f", list)
	if code != ExitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	if want := srv.URL + "/arg\tPage /arg & co\n" + srv.URL + "/file\tPage /file & co\n"; stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if !strings.HasPrefix(stderr, "http://127.0.0.1:1/a: connect: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one connect error line", stderr)
	}
}

// Ctrl-C while URLs are in flight: they are cancelled, neither printed
// (with --json or without) nor counted as failed.
func TestTitlesInterrupted(t *testing.T) {
	const n = 10
	arrived := make(chan struct{}, n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select { // bounded: the client goes away first
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	args := []string{"titles", "--progress", "never", "--retries", "0"}
	for i := range n {
		args = append(args, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	for _, mode := range [][]string{nil, {"--json"}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			for range n {
				<-arrived
			}
			cancel(ErrInterrupted)
		}()
		var out bytes.Buffer
		var errb syncBuffer // the interrupt notice and the summary may be written at once
		code := Execute(ctx, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append(mode, args...))
		// The notice comes from another goroutine: before or after the summary.
		stderr := strings.Replace(errb.String(), "fanout: stopping; press Ctrl-C again to quit at once\n", "", 1)
		if code != ExitInterrupted || out.Len() != 0 || strings.Count(stderr, "\n") != 1 ||
			!strings.HasPrefix(stderr, "interrupted: 0 URLs: 0 ok, 0 failed in ") || !strings.Contains(stderr, "; 10 cancelled before finishing") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 130, no output and a summary of 10 cancelled, none failed", mode, code, out.String(), stderr)
		}
	}
}

// A line too long to be a URL fails on its own and reading goes on; a
// byte order mark is skipped; a last line without a newline is a URL.
func TestTitlesLongLineAndBOM(t *testing.T) {
	srv := titlesServer(t)
	long := strings.Repeat("x", 2<<20)
	list := filepath.Join(t.TempDir(), "urls.txt")
	data := "\xef\xbb\xbf" + srv.URL + "/one\n" + long + "\n# comment\n" + srv.URL + "/two\r\n" + srv.URL + "/three"
	if err := os.WriteFile(list, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runFanout(t, "", "titles", "--progress", "never", "--ordered", "-f", list)
	want := srv.URL + "/one\tPage /one & co\n" + srv.URL + "/two\tPage /two & co\n" + srv.URL + "/three\tPage /three & co\n"
	if code != ExitFailed || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant 1 and:\n%s", code, stdout, want)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 2 || lines[0] != list+": line 2: too long (2097152 bytes, at most 1 MiB)" || !strings.HasPrefix(lines[1], "4 URLs: 3 ok, 1 failed in ") {
		t.Errorf("stderr %q; want the long line named and counted as failed", stderr)
	}

	// On stdin, as with primes, the line number alone names the line.
	code, stdout, stderr = runFanout(t, "\xef\xbb\xbf"+srv.URL+"/a\n"+long+"\n"+srv.URL+"/b\n", "titles", "-q", "--ordered", "-t")
	if code != ExitFailed || stdout != "Page /a & co\nPage /b & co\n" || stderr != "line 2: too long (2097152 bytes, at most 1 MiB)\n" {
		t.Errorf("stdin: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// With --json the line is one bad_url object among the others.
	_, stdout, _ = runFanout(t, srv.URL+"/a\n"+long+"\n", "titles", "-q", "--ordered", "--json")
	jsonLines := strings.Split(strings.TrimSpace(stdout), "\n")
	var p title.Page
	if len(jsonLines) != 2 || json.Unmarshal([]byte(jsonLines[1]), &p) != nil || p.Error != title.ClassBadURL || !strings.Contains(p.Detail, "line 2: too long") {
		t.Errorf("--json: %q; want a bad_url object for line 2", stdout)
	}
}

// A refused connection is not retried: hundreds of URLs to a closed port
// finish at once, with one connect line each. (Retried twice, each would
// wait at least 150 ms: 300 URLs 5 at a time would take 9 s.)
func TestTitlesRefusedIsNotRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	const n = 300
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "http://%s/%d\n", addr, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	start := time.Now()
	code := Execute(ctx, Env{Stdin: strings.NewReader(in.String()), Stdout: &out, Stderr: &errb}, []string{"titles", "-q", "-c", "5"})
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("%d refused URLs took %v with the default retries; want no retry", n, took)
	}
	lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	connects := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "http://"+addr+"/") && strings.Contains(l, ": connect: ") {
			connects++
		}
	}
	if code != ExitFailed || connects != n || len(lines) != n {
		t.Errorf("exit %d, %d stderr lines, %d connect lines; want 1 and one connect line per URL", code, len(lines), connects)
	}
}

// The edges of reading URL lines: a line of exactly 1 MiB is a URL, one
// byte more is too long, as is a long last line without a newline; each
// input may start with a byte order mark.
func TestURLInputLines(t *testing.T) {
	atMax := "http://127.0.0.1/" + strings.Repeat("a", maxURLLine-len("http://127.0.0.1/"))
	in := &urlInput{args: []string{"arg"}, readers: []namedReader{
		{"a.txt", strings.NewReader("\xef\xbb\xbf# c\r\n  u1  \r\n\n" + atMax + "\n" + atMax + "b\nu2\n" + strings.Repeat("z", 3<<20))},
		{"stdin", strings.NewReader("\xef\xbb\xbfu3")},
	}}
	var got []string
	for l := range in.All() {
		switch {
		case l.err != nil:
			got = append(got, l.String()+": "+l.err.Error())
		case len(l.url) > 100:
			got = append(got, fmt.Sprintf("%d-byte URL", len(l.url)))
		default:
			got = append(got, l.url)
		}
	}
	want := []string{"arg", "u1", "1048576-byte URL", "a.txt: line 5: too long (1048577 bytes, at most 1 MiB)", "u2",
		"a.txt: line 7: too long (3145728 bytes, at most 1 MiB)", "u3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || in.err != nil {
		t.Errorf("lines:\n%s\nwant:\n%s\n(err %v)", strings.Join(got, "\n"), strings.Join(want, "\n"), in.err)
	}
}

// The title of a 404 page is reported with its status: on the failure
// line in text, and in the title field beside the error with --json.
func TestTitlesErrorPageTitle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<html><head><title>Page not found</title></head><body>sorry</body></html>")
	}))
	defer srv.Close()
	code, stdout, stderr := runFanout(t, "", "titles", "-q", srv.URL+"/gone")
	if want := srv.URL + "/gone: http_status: HTTP 404 Not Found (title \"Page not found\")\n"; code != ExitFailed || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, want)
	}
	code, stdout, _ = runFanout(t, "", "titles", "-q", "--json", srv.URL+"/gone")
	var p title.Page
	if err := json.Unmarshal([]byte(stdout), &p); err != nil || code != ExitFailed {
		t.Fatalf("exit %d, --json %q: %v", code, stdout, err)
	}
	if p.Error != title.ClassHTTPStatus || p.Status != 404 || p.Title != "Page not found" || p.Detail != "HTTP 404 Not Found" {
		t.Errorf("--json: %+v; want class http_status, status 404, the title and the status as detail", p)
	}
}

// Thousands of URLs to a closed port finish at once: a refused connection
// is not retried, and neither dials nor per-host bounds queue them (10,000
// take under 2 s; see the README). The bound is generous for -race.
func TestTitlesManyRefusedAreFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	const n = 2000
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, "http://%s/%d\n", addr, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	start := time.Now()
	code := Execute(ctx, Env{Stdin: strings.NewReader(in.String()), Stdout: &out, Stderr: &errb}, []string{"titles"})
	took := time.Since(start)
	t.Logf("%d refused URLs in %v", n, took)
	if took > 8*time.Second {
		t.Errorf("%d refused URLs took %v, want well under 8 s", n, took)
	}
	lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	connects := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "http://"+addr+"/") && strings.Contains(l, ": connect: ") {
			connects++
		}
	}
	if code != ExitFailed || connects != n || len(lines) != n+1 { // and the summary
		t.Errorf("exit %d, %d stderr lines, %d connect lines; want 1 and one connect line per URL", code, len(lines), connects)
	}
}
