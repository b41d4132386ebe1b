package title

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
)

// Class is the short, stable name of a kind of failure, as printed in the
// error field of the JSON output.
type Class string

// The classes of failure. Each page that fails has exactly one.
const (
	ClassBadURL           Class = "bad_url"            // the input is not an http(s) URL
	ClassDNS              Class = "dns"                // the host name did not resolve
	ClassConnect          Class = "connect"            // no connection could be made
	ClassTLS              Class = "tls"                // the TLS handshake or certificate failed
	ClassTimeout          Class = "timeout"            // a header or whole-request timeout expired
	ClassReset            Class = "reset"              // the server closed or reset the connection
	ClassHTTPStatus       Class = "http_status"        // the final status was 4xx or 5xx
	ClassTooManyRedirects Class = "too_many_redirects" // more redirects than allowed
	ClassRedirectLoop     Class = "redirect_loop"      // a redirect came back to a URL already seen
	ClassNotHTML          Class = "not_html"           // the content type is not HTML
	ClassDecode           Class = "decode"             // the content encoding (gzip, br...) is broken
	ClassNoTitle          Class = "no_title"           // the whole page was read and had no title
	ClassBodyTooLarge     Class = "body_too_large"     // the byte cap was reached before a title
	ClassCanceled         Class = "canceled"           // the run was cancelled
	ClassOther            Class = "other"              // anything else
)

// Error is the error of one page: its class and what happened.
type Error struct {
	Class  Class
	Status int    // the HTTP status, when there was a response
	Title  string // the title of a page whose status is not 2xx, when it has one
	Err    error  // the underlying error
}

// Error is "class: what happened", and (title "...") after it when the
// page had a title despite its status, as in
// `http_status: HTTP 404 Not Found (title "Page not found")`.
func (e *Error) Error() string {
	if e.Title != "" {
		return fmt.Sprintf("%s: %v (title %q)", e.Class, e.Err, e.Title)
	}
	return fmt.Sprintf("%s: %v", e.Class, e.Err)
}
func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of err: the Class of the *Error it wraps, or
// ClassOther.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassOther
}

// Errors for redirects, returned by the client's redirect check, and of
// Extract.
var (
	errTooManyRedirects = errors.New("too many redirects")
	errRedirectLoop     = errors.New("redirect loop")
	errTooLarge         = errors.New("byte cap reached before a title")
	errNoTitle          = errors.New("no <title> in the page")
	errEmptyTitle       = errors.New("the <title> is empty") // also class no_title
)

// classify names the class of a transport error.
func classify(err error) Class {
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	switch {
	case errors.Is(err, errTooManyRedirects):
		return ClassTooManyRedirects
	case errors.Is(err, errRedirectLoop):
		return ClassRedirectLoop
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host),
		errors.As(err, &invalid), errors.As(err, &record), errors.As(err, &alert):
		return ClassTLS
	case strings.Contains(err.Error(), "HTTP response to HTTPS client"),
		strings.Contains(err.Error(), "tls: "):
		return ClassTLS
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return ClassConnect
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ClassReset
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassConnect
	}
	return ClassOther
}
