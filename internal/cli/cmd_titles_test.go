package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
