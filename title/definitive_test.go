package title

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/fanout-dev/fanout/engine"
)

// What --resume takes as done: an answer that fetching again would give
// again. A failure that a later run may not meet is not one.
func TestDefinitive(t *testing.T) {
	type outcome struct {
		page Page
		err  error
	}
	fail := func(c Class, status int, err error) outcome {
		return outcome{Page{Error: c, Status: status, Detail: err.Error()}, &Error{Class: c, Status: status, Err: err}}
	}
	transient := func(o outcome) outcome { o.err = engine.Transient(o.err); return o }
	notFound := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "a.invalid", IsNotFound: true}}
	dnsTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "a.example", IsTimeout: true}}
	other := errors.New("x")
	tests := []struct {
		name string
		outcome
		want bool
	}{
		{"a title", outcome{Page{Title: "Hello", Status: 200}, nil}, true},
		{"404", fail(ClassHTTPStatus, 404, other), true},
		{"410", fail(ClassHTTPStatus, 410, other), true},
		{"3xx without Location", fail(ClassHTTPStatus, 302, other), true},
		{"no title", fail(ClassNoTitle, 200, errNoTitle), true},
		{"bad URL", fail(ClassBadURL, 0, other), true},
		{"not HTML", fail(ClassNotHTML, 200, other), true},
		{"too large", fail(ClassBodyTooLarge, 200, errTooLarge), true},
		{"redirect loop", fail(ClassRedirectLoop, 0, other), true},
		{"too many redirects", fail(ClassTooManyRedirects, 0, other), true},
		{"broken gzip", fail(ClassDecode, 200, other), true},
		{"bad certificate", fail(ClassTLS, 0, other), true},
		{"no such host", fail(ClassDNS, 0, notFound), true},
		// On a cluster the error is the worker's message; the page says it.
		{"no such host, remote", outcome{Page{Error: ClassDNS, Detail: notFound.Error()}, errors.New("titles: dns: " + notFound.Error())}, true},

		{"DNS timeout", fail(ClassDNS, 0, dnsTimeout), false},
		{"408", fail(ClassHTTPStatus, 408, other), false},
		{"429", transient(fail(ClassHTTPStatus, 429, other)), false},
		{"500", fail(ClassHTTPStatus, 500, other), false},
		{"503", transient(fail(ClassHTTPStatus, 503, other)), false},
		{"connect, refused", fail(ClassConnect, 0, other), false},
		{"connect, transient", transient(fail(ClassConnect, 0, other)), false},
		{"timeout", fail(ClassTimeout, 200, context.DeadlineExceeded), false},
		{"reset", fail(ClassReset, 0, other), false},
		{"cancelled", fail(ClassCanceled, 0, context.Canceled), false},
		{"other", fail(ClassOther, 0, other), false},
		{"no class (a cluster error)", outcome{Page{}, errors.New("cluster: broker lost")}, false},
		{"transient, whatever its class", outcome{Page{Error: ClassHTTPStatus, Status: 404}, engine.Transient(other)}, false},
	}
	for _, tt := range tests {
		if got := Definitive(tt.page, tt.err); got != tt.want {
			t.Errorf("%s: Definitive(%+v, %v) = %v, want %v", tt.name, tt.page, tt.err, got, tt.want)
		}
	}
}
