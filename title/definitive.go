package title

import (
	"errors"
	"net"
	"strings"

	"github.com/fanout-dev/fanout/engine"
)

// Definitive reports whether the outcome of fetching a page, the Page and
// error that Fetch returned (or that a cluster worker sent back), is an
// answer that fetching the URL again would give again. `fanout titles
// --resume` takes a URL as done, and skips it in a later run, when it is.
//
// It is: a title (err nil); and the failures that the URL or the page
// itself caused: bad_url, not_html, no_title, body_too_large, decode (a
// broken gzip, deflate or br stream), tls (a certificate or protocol the
// client refuses), too_many_redirects, redirect_loop, a dns failure that
// says the name does not exist ("no such host"), and http_status for 3xx
// and 4xx but 408 and 429.
//
// It is not: anything marked transient (after its retries ran out), any
// 5xx, 408, 429, connect (a refused connection too: a later run may find
// the server up), timeout, reset, any other dns failure, a cancelled
// fetch, other, and an error without a class (a cluster or a panic).
func Definitive(p Page, err error) bool {
	if err == nil {
		return true
	}
	if engine.IsTransient(err) {
		return false
	}
	switch p.Error {
	case ClassBadURL, ClassNotHTML, ClassNoTitle, ClassBodyTooLarge, ClassDecode, ClassTLS,
		ClassTooManyRedirects, ClassRedirectLoop:
		return true
	case ClassHTTPStatus:
		return p.Status >= 300 && p.Status < 500 && p.Status != 408 && p.Status != 429
	case ClassDNS:
		var dns *net.DNSError
		if errors.As(err, &dns) {
			return dns.IsNotFound
		}
		// From a cluster worker only the message is left.
		return strings.HasSuffix(p.Detail, "no such host")
	}
	return false
}
