package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newTestServer returns a server of run r on a loopback address, not
// listening: tests call its handler.
func newTestServer(t testing.TB, cfg Config, views ...View) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	s, err := New(cfg, views...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// get asks h for target as a browser on loopback would, with extra
// headers given as name, value pairs.
func get(t testing.TB, h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", "http://127.0.0.1:8080"+target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// hostile are item names that a page must show as text.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`images/</td></tr></table><h1>x</h1>.png`,
	"javascript:alert(1)",
	`' onmouseover='alert(1)`,
}

// mustContain fails unless s holds every one of subs.
func mustContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("missing %q in:\n%.3000s", sub, s)
		}
	}
}
