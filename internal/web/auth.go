package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ErrTokenRequired is returned for an address beyond loopback without a
// token.
var ErrTokenRequired = errors.New("an address that is not loopback needs a token")

// ParseAddr returns the address to listen on for s, as given to --http,
// and whether it is a loopback address. A port alone ("8080" or ":8080")
// means 127.0.0.1 and that port; "localhost" means 127.0.0.1 (no name is
// looked up). Any other host name counts as not loopback.
func ParseAddr(s string) (addr string, loopback bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, errors.New("empty address")
	}
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", false, fmt.Errorf("address %q: %w", s, err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", false, fmt.Errorf("address %q: port %q is not a number from 0 to 65535", s, port)
	}
	port = strconv.FormatUint(n, 10)
	switch strings.ToLower(host) {
	case "", "localhost":
		return net.JoinHostPort("127.0.0.1", port), true, nil
	}
	if ip := net.ParseIP(host); ip != nil {
		return net.JoinHostPort(ip.String(), port), ip.IsLoopback(), nil
	}
	return net.JoinHostPort(host, port), false, nil
}

// cookieName is the name of the cookie that carries the token after a
// first visit with ?token=, for the server the Host header names: cookies
// do not tell ports apart, so each port has its own, and two runs on one
// machine do not overwrite each other's.
func cookieName(host string) string {
	if _, port, err := net.SplitHostPort(host); err == nil && port != "" {
		return "fanout_token_" + port
	}
	return "fanout_token"
}

// guard checks every request: the token when there is one, else that the
// Host header names a loopback address.
type guard struct {
	sum      [sha256.Size]byte // of the token
	hasToken bool
}

func newGuard(token string) *guard {
	g := &guard{hasToken: token != ""}
	if g.hasToken {
		g.sum = sha256.Sum256([]byte(token))
	}
	return g
}

// valid compares a presented token with the token in constant time: both
// are hashed first, so that neither their contents nor their lengths show
// in the time taken.
func (g *guard) valid(presented string) bool {
	got := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(got[:], g.sum[:]) == 1
}

// wrap returns h behind the guard. With a token, ?token= on a first visit
// is traded for an HttpOnly, SameSite=Strict cookie and a redirect to the
// same address without it, so that the token leaves the address bar and
// the history.
func (g *guard) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hasToken {
			if !loopbackHost(r.Host) {
				http.Error(w, "forbidden: this server answers only to a loopback address", http.StatusForbidden)
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		if q := r.URL.Query(); q.Has("token") {
			if !g.valid(q.Get("token")) {
				unauthorized(w)
				return
			}
			http.SetCookie(w, &http.Cookie{ // for the browser's session only
				Name: cookieName(r.Host), Value: q.Get("token"), Path: "/",
				HttpOnly: true, SameSite: http.SameSiteStrictMode,
			})
			q.Del("token")
			to := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			http.Redirect(w, r, to.String(), http.StatusSeeOther)
			return
		}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && g.valid(strings.TrimSpace(tok)) {
			h.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(cookieName(r.Host)); err == nil && g.valid(c.Value) {
			h.ServeHTTP(w, r)
			return
		}
		unauthorized(w)
	})
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="fanout"`)
	http.Error(w, "unauthorized: send Authorization: Bearer TOKEN, or open the page once with ?token=TOKEN", http.StatusUnauthorized)
}

// loopbackHost says whether a Host header names this machine by a
// loopback address: an IP literal or "localhost".
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// contentSecurityPolicy allows the embedded script and style sheet only:
// no inline script or style, nothing from elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// secure sets the headers every answer carries.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
