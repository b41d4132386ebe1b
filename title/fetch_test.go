package title

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/fanout-dev/fanout/engine"
)

const okPage = `<!doctype html><html><head><title>Hello &amp; welcome</title></head><body>` +
	`<p>body text that is never read</p></body></html>`

// faultServer serves good pages and every fault the fetcher must classify,
// on 127.0.0.1 only.
func faultServer(t testing.TB) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { html(w, okPage) })
	mux.HandleFunc("/gbk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=GBK")
		w.Write(readPage(t, "zh-gbk-undeclared.html"))
	})
	mux.HandleFunc("/sniffed", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // no type: the body is sniffed
		fmt.Fprint(w, okPage)
	})
	compressed := func(enc string, wrap func(*bytes.Buffer) interface {
		Write([]byte) (int, error)
		Close() error
	}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), enc) {
				t.Errorf("Accept-Encoding %q does not offer %s", r.Header.Get("Accept-Encoding"), enc)
			}
			var buf bytes.Buffer
			zw := wrap(&buf)
			zw.Write([]byte(okPage))
			zw.Close()
			w.Header().Set("Content-Encoding", enc)
			w.Header().Set("Content-Type", "text/html")
			w.Write(buf.Bytes())
		}
	}
	type wc = interface {
		Write([]byte) (int, error)
		Close() error
	}
	mux.Handle("/gzip", compressed("gzip", func(b *bytes.Buffer) wc { return gzip.NewWriter(b) }))
	mux.Handle("/deflate", compressed("deflate", func(b *bytes.Buffer) wc { return zlib.NewWriter(b) }))
	mux.Handle("/br", compressed("br", func(b *bytes.Buffer) wc { return brotli.NewWriter(b) }))
	mux.HandleFunc("/broken-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "this is not gzip at all, just text pretending")
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/redirect/"), "%d", &n)
		if n <= 0 {
			html(w, okPage)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-b", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/503", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/notitle", func(w http.ResponseWriter, r *http.Request) { html(w, "<html><body>none</body></html>") })
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<html><head>")
		w.(http.Flusher).Flush()
		select { // bounded: the client gives up first
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/slow-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := []byte(strings.Repeat("<p>filler</p>\n", 1000))
		for i := 0; i < 800 && r.Context().Err() == nil; i++ { // 11 MB at most
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/late-title", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<html><head>"+strings.Repeat("<link rel=x href=y>\n", 1<<20/20)+"<title>Late</title>")
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetch(t *testing.T) {
	srv := faultServer(t)
	// Short timeouts only where a timeout is the point: a loaded machine
	// must not turn a slow 50 MB read into a timeout.
	short := New(Config{Timeout: 500 * time.Millisecond, HeaderTimeout: 300 * time.Millisecond, MaxBytes: 2 << 20})
	long := New(Config{Timeout: 20 * time.Second, HeaderTimeout: 20 * time.Second, MaxBytes: 2 << 20})
	tests := []struct {
		path    string
		title   string
		class   Class
		status  int
		charset string
	}{
		{path: "/ok", title: "Hello & welcome", status: 200, charset: "utf-8"},
		{path: "/gbk", title: "Python 教程 — 数据结构与算法", status: 200, charset: "gbk"},
		{path: "/sniffed", title: "Hello & welcome", status: 200},
		{path: "/gzip", title: "Hello & welcome", status: 200},
		{path: "/deflate", title: "Hello & welcome", status: 200},
		{path: "/br", title: "Hello & welcome", status: 200},
		{path: "/redirect/10", title: "Hello & welcome", status: 200},
		{path: "/late-title", title: "Late", status: 200},
		{path: "/redirect/11", class: ClassTooManyRedirects},
		{path: "/loop-a", class: ClassRedirectLoop},
		{path: "/404", class: ClassHTTPStatus, status: 404},
		{path: "/500", class: ClassHTTPStatus, status: 500},
		{path: "/503", class: ClassHTTPStatus, status: 503},
		{path: "/image", class: ClassNotHTML, status: 200},
		{path: "/notitle", class: ClassNoTitle, status: 200},
		{path: "/broken-gzip", class: ClassDecode, status: 200},
		{path: "/stall", class: ClassTimeout, status: 200},
		{path: "/slow-headers", class: ClassTimeout},
		{path: "/big", class: ClassBodyTooLarge, status: 200},
		{path: "/reset", class: ClassReset},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			f := long
			if tt.class == ClassTimeout {
				f = short
			}
			start := time.Now()
			p, err := f.Fetch(context.Background(), srv.URL+tt.path)
			if took := time.Since(start); f == short && took > 5*time.Second {
				t.Errorf("took %v, far past the 500ms timeout", took)
			}
			if tt.class == "" {
				if err != nil || p.Title != tt.title || p.Error != "" {
					t.Fatalf("Fetch = %q, %v; want %q", p.Title, err, tt.title)
				}
				if tt.charset != "" && p.Charset != tt.charset {
					t.Errorf("charset %q, want %q", p.Charset, tt.charset)
				}
			} else if ClassOf(err) != tt.class || p.Error != tt.class {
				t.Fatalf("Fetch error %v (page class %q); want class %s", err, p.Error, tt.class)
			}
			if p.Status != tt.status {
				t.Errorf("status %d, want %d", p.Status, tt.status)
			}
			if p.BytesRead > 2<<20 {
				t.Errorf("read %d bytes, past the 2 MiB cap", p.BytesRead)
			}
		})
	}
}

func TestFetchTransient(t *testing.T) {
	srv := faultServer(t)
	f := New(Config{Timeout: 20 * time.Second})
	_, err := f.Fetch(context.Background(), srv.URL+"/503")
	var te *engine.TransientError
	if !errors.As(err, &te) || te.After != 2*time.Second {
		t.Errorf("503 with Retry-After: 2 gave %#v, want a TransientError after 2s", err)
	}
	_, err = f.Fetch(context.Background(), srv.URL+"/404")
	if engine.IsTransient(err) {
		t.Errorf("404 is marked transient: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = f.Fetch(context.Background(), "http://"+addr+"/")
	if ClassOf(err) != ClassConnect || engine.IsTransient(err) {
		t.Errorf("refused connection gave %v, want a connect error that is not transient (an answer)", err)
	}
}

func TestFetchTLS(t *testing.T) {
	var proto atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(int32(r.ProtoMajor))
		fmt.Fprint(w, okPage)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	_, err := New(Config{}).Fetch(context.Background(), srv.URL)
	if ClassOf(err) != ClassTLS {
		t.Errorf("self-signed certificate gave %v, want class tls", err)
	}
	p, err := New(Config{Insecure: true}).Fetch(context.Background(), srv.URL)
	if err != nil || p.Title != "Hello & welcome" {
		t.Fatalf("--insecure: %q, %v", p.Title, err)
	}
	if proto.Load() != 2 {
		t.Errorf("served over HTTP/%d, want HTTP/2", proto.Load())
	}
}

func TestFetchPerHost(t *testing.T) {
	var cur, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(10 * time.Millisecond)
		fmt.Fprint(w, okPage)
	}))
	defer srv.Close()
	f := New(Config{PerHost: 3})
	var wg sync.WaitGroup
	for range 24 {
		wg.Go(func() {
			if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak.Load() > 3 {
		t.Errorf("%d requests at once to one host, want at most 3", peak.Load())
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"example.com", "https://example.com"},
		{"  http://example.com/a?b=c  ", "http://example.com/a?b=c"},
		{"example.com/path", "https://example.com/path"},
		{"ftp://example.com", ""},
		{"https://", ""},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want Class
	}{
		{&net.DNSError{Err: "no such host", Name: "x.invalid"}, ClassDNS},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, ClassConnect},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), ClassTimeout},
		{fmt.Errorf("get: %w", errRedirectLoop), ClassRedirectLoop},
		{errors.New("something else"), ClassOther},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"-4", 0}, {"86400", DefaultRetryAfterMax},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second}, {"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFetchKeepAlive checks that stopping at </title> does not cost a new
// connection per page: a small leftover body is drained and the
// connection reused.
func TestFetchKeepAlive(t *testing.T) {
	var conns atomic.Int32
	page := okPage + strings.Repeat("<p>after the title</p>\n", 5000) // about 110 KB
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	f := New(Config{})
	for range 20 {
		p, err := f.Fetch(context.Background(), srv.URL)
		if err != nil || p.Title != "Hello & welcome" {
			t.Fatalf("Fetch = %q, %v", p.Title, err)
		}
		if p.BytesRead > 16<<10 {
			t.Fatalf("parsed %d bytes of a page whose title ends before byte 100", p.BytesRead)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 pages in a row used %d connections, want 1", n)
	}
}

// The job runs on JSON with settings that travelled with it, as a remote
// worker runs it: here a timeout shorter than the page takes.
func TestJobRaw(t *testing.T) {
	srv := faultServer(t)
	raw, err := Job.Raw(nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := raw(context.Background(), []byte(`"`+srv.URL+`/ok"`))
	var p Page
	if err == nil {
		err = json.Unmarshal(out, &p)
	}
	if err != nil || p.Title != "Hello & welcome" || p.Status != 200 {
		t.Errorf("Raw job: %s, %v", out, err)
	}
	settings, err := Job.EncodeSettings(Config{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	raw, err = Job.Raw(settings)
	if err != nil {
		t.Fatal(err)
	}
	out, err = raw(context.Background(), []byte(`"`+srv.URL+`/stall"`))
	if ClassOf(err) != ClassTimeout {
		t.Errorf("with a 50ms timeout: %s, %v; want a timeout", out, err)
	}
	if _, err := Job.Raw([]byte(`{"timeout":-1}`)); err == nil {
		t.Error("a negative timeout was accepted")
	}
}
