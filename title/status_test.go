package title

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// errorPages serves pages with a status that is not 2xx, on 127.0.0.1.
func errorPages(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(status int, ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			} else {
				w.Header()["Content-Type"] = nil
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/404", page(404, "text/html; charset=utf-8", "<html><head><title>Page not found</title></head><body>sorry</body></html>"))
	mux.Handle("/410-sniffed", page(410, "", "<!doctype html><title>Gone &amp; forgotten</title>"))
	mux.Handle("/500-latin1", page(500, "text/html; charset=iso-8859-1", "<title>Erreur interne \xe9 serveur</title>"))
	mux.HandleFunc("/503", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		page(503, "text/html", "<title>Down for maintenance</title>")(w, r)
	})
	mux.Handle("/404-plain", page(404, "text/plain", "404 page not found"))
	mux.Handle("/404-json", page(404, "application/json", `{"title":"not a page"}`))
	mux.HandleFunc("/404-big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		chunk := strings.Repeat("<p>filler</p>\n", 1000)
		for i := 0; i < 200 && r.Context().Err() == nil; i++ { // 2.8 MB at most
			fmt.Fprint(w, chunk)
		}
		fmt.Fprint(w, "<title>too far</title>")
	})
	mux.Handle("/304", page(304, "text/html", ""))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// The title of a page with a 4xx or 5xx status is reported with the
// status, which stays the page's class; its body costs at most MaxBytes.
func TestFetchErrorPageTitle(t *testing.T) {
	srv := errorPages(t)
	f := New(Config{MaxBytes: 64 << 10, Timeout: 20 * time.Second})
	tests := []struct {
		path, title, message string
		status               int
		transient            bool
	}{
		{"/404", "Page not found", `http_status: HTTP 404 Not Found (title "Page not found")`, 404, false},
		{"/410-sniffed", "Gone & forgotten", `http_status: HTTP 410 Gone (title "Gone & forgotten")`, 410, false},
		{"/500-latin1", "Erreur interne é serveur", `http_status: HTTP 500 Internal Server Error (title "Erreur interne é serveur")`, 500, false},
		{"/503", "Down for maintenance", `http_status: HTTP 503 Service Unavailable (title "Down for maintenance")`, 503, true},
		{"/404-plain", "", "http_status: HTTP 404 Not Found", 404, false},
		{"/404-json", "", "http_status: HTTP 404 Not Found", 404, false},
		{"/404-big", "", "http_status: HTTP 404 Not Found", 404, false},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			p, err := f.Fetch(context.Background(), srv.URL+tt.path)
			if ClassOf(err) != ClassHTTPStatus || p.Error != ClassHTTPStatus || p.Status != tt.status {
				t.Fatalf("Fetch = %+v, %v; want class http_status, status %d", p, err, tt.status)
			}
			if p.Title != tt.title || err.Error() != tt.message {
				t.Errorf("title %q, error %q; want %q, %q", p.Title, err, tt.title, tt.message)
			}
			if p.Detail != strings.TrimPrefix(strings.SplitN(tt.message, " (title", 2)[0], "http_status: ") {
				t.Errorf("detail %q: the title has its own field", p.Detail)
			}
			var e *Error
			if !errors.As(err, &e) || e.Title != tt.title || e.Status != tt.status {
				t.Errorf("error %#v, want an *Error with the title and status", err)
			}
			if engine.IsTransient(err) != tt.transient {
				t.Errorf("transient %v, want %v", engine.IsTransient(err), tt.transient)
			}
			if p.BytesRead > 64<<10 {
				t.Errorf("read %d bytes of an error page, past MaxBytes", p.BytesRead)
			}
		})
	}
	// A 304 has no body and no usable Location: the status alone.
	p, err := f.Fetch(context.Background(), srv.URL+"/304")
	if ClassOf(err) != ClassHTTPStatus || p.Status != 304 || p.Title != "" {
		t.Errorf("304: %+v, %v", p, err)
	}
}

// Ctrl-C while the body of an error page is read cancels the page: it is
// not reported as an error without its title.
func TestFetchErrorPageCanceled(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		fmt.Fprint(w, "<html><head>")
		w.(http.Flusher).Flush()
		time.Sleep(100 * time.Millisecond) // the client has the headers by now
		close(started)
		select { // bounded: the client goes away first
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() { <-started; cancel(errors.New("interrupted")) }()
	p, err := New(Config{}).Fetch(ctx, srv.URL)
	if ClassOf(err) != ClassCanceled || !errors.Is(err, context.Canceled) || p.Title != "" {
		t.Errorf("Fetch = %+v, %v; want class canceled", p, err)
	}
}
