package title

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// newClient returns the tuned HTTP client of a Fetcher: keep-alive with
// enough idle connections per host for the whole concurrency, HTTP/2 where
// the server offers it, and compression negotiated by the Fetcher itself
// (so that deflate and brotli are offered too).
func newClient(c Config) *http.Client {
	dialer := &net.Dialer{Timeout: c.ConnectTimeout, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * c.MaxIdlePerHost,
		MaxIdleConnsPerHost:   c.MaxIdlePerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   c.ConnectTimeout,
		ResponseHeaderTimeout: c.HeaderTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: c.Insecure}, //nolint:gosec // opt-in by --insecure
	}
	max := c.MaxRedirects
	return &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > max {
				return fmt.Errorf("%w: more than %d", errTooManyRedirects, max)
			}
			next := req.URL.String()
			for _, v := range via {
				if v.URL.String() == next {
					return fmt.Errorf("%w: back to %s", errRedirectLoop, next)
				}
			}
			return nil
		},
	}
}
