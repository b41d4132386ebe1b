package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in       string
		addr     string
		loopback bool
		err      bool
	}{
		{":8080", "127.0.0.1:8080", true, false},
		{"8080", "127.0.0.1:8080", true, false},
		{":0", "127.0.0.1:0", true, false},
		{"localhost:9000", "127.0.0.1:9000", true, false},
		{"127.0.0.1:9000", "127.0.0.1:9000", true, false},
		{"127.5.5.5:9000", "127.5.5.5:9000", true, false},
		{"[::1]:9000", "[::1]:9000", true, false},
		{"0.0.0.0:8080", "0.0.0.0:8080", false, false},
		{"[::]:8080", "[::]:8080", false, false},
		{"10.1.2.3:80", "10.1.2.3:80", false, false},
		{"dashboard.internal:80", "dashboard.internal:80", false, false},
		{"", "", false, true},
		{"127.0.0.1", "", false, true},
		{":http", "", false, true},
		{":70000", "", false, true},
	}
	for _, tt := range tests {
		addr, loopback, err := ParseAddr(tt.in)
		if (err != nil) != tt.err || addr != tt.addr || loopback != tt.loopback {
			t.Errorf("ParseAddr(%q) = %q, %v, %v; want %q, %v, error %v", tt.in, addr, loopback, err, tt.addr, tt.loopback, tt.err)
		}
	}
}

func TestTokenRequiredBeyondLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", "[::]:0", "10.0.0.1:80", "example.internal:80"} {
		if _, err := New(Config{Addr: addr}); !errors.Is(err, ErrTokenRequired) {
			t.Errorf("%s without a token: %v, want ErrTokenRequired", addr, err)
		}
	}
	if _, err := New(Config{Addr: "0.0.0.0:8080", Token: "t"}); err != nil {
		t.Errorf("with a token: %v", err)
	}
}

// TestUnauthorizedWithoutToken serves a configuration for a non-loopback
// address (the handler only: nothing listens) and asks for every kind of
// answer without the token, with a wrong one, and with the right one in
// each of the ways it may come.
func TestUnauthorizedWithoutToken(t *testing.T) {
	const token = "s3cret-Token"
	r := NewRun(Info{Job: "primes"})
	r.Finish(StateFinished, 1) // event streams end at once
	s := newTestServer(t, Config{Addr: "0.0.0.0:8080", Token: token}, r)
	h := s.Handler()
	paths := []string{"/", "/runs/local", "/runs/local/events", "/runs/local/failures.json", "/metrics", "/static/app.js", "/nothing"}
	for _, p := range paths {
		for _, hdr := range [][]string{
			nil,
			{"Authorization", "Bearer wrong"},
			{"Authorization", "Bearer " + token + "x"},
			{"Authorization", "Basic " + token},
			{"Authorization", token},
			{"Cookie", "fanout_token_8080=wrong"},
			{"Cookie", "fanout_token=" + token},
			{"Host", "evil.example", "Authorization", "Bearer"},
		} {
			rec := get(t, h, p, hdr...)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s with %q: %d, want 401", p, hdr, rec.Code)
			}
			if strings.Contains(rec.Body.String(), "fanout_items_total") || strings.Contains(rec.Body.String(), "<main") {
				t.Errorf("%s with %q: a 401 that tells something", p, hdr)
			}
		}
		if rec := get(t, h, p+"?token=wrong"); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s?token=wrong: %d", p, rec.Code)
		}
		want := http.StatusOK
		if p == "/nothing" {
			want = http.StatusNotFound
		}
		if rec := get(t, h, p, "Authorization", "Bearer "+token); rec.Code != want {
			t.Errorf("%s with the bearer token: %d, want %d", p, rec.Code, want)
		}
		if rec := get(t, h, p, "Cookie", "fanout_token_8080="+token, "Host", "203.0.113.9:8080"); rec.Code != want {
			t.Errorf("%s with the cookie: %d, want %d", p, rec.Code, want)
		}
	}
}

func TestTokenInAddressBecomesCookie(t *testing.T) {
	const token = "tok"
	s := newTestServer(t, Config{Addr: "0.0.0.0:8080", Token: token}, NewRun(Info{Job: "primes"}))
	rec := get(t, s.Handler(), "/runs/local?class=dns&token="+token+"&page=2")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("?token=: %d, want 303", rec.Code)
	}
	if loc := rec.Header().Get("Location"); loc != "/runs/local?class=dns&page=2" {
		t.Errorf("redirect to %q", loc)
	}
	c := rec.Result().Cookies()
	if len(c) != 1 || c[0].Name != "fanout_token_8080" || c[0].Value != token || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode || c[0].Path != "/" || !c[0].Expires.IsZero() || c[0].MaxAge != 0 {
		t.Fatalf("cookie %+v", c)
	}
	if rec := get(t, s.Handler(), "/runs/local", "Cookie", c[0].String()); rec.Code != 200 {
		t.Errorf("with the cookie: %d", rec.Code)
	}
}
