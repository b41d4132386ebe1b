package title

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Defaults of Config, stated here and in the command's help.
const (
	DefaultConnectTimeout = 5 * time.Second  // TCP connect and TLS handshake
	DefaultHeaderTimeout  = 10 * time.Second // from request sent to response headers
	DefaultTimeout        = 20 * time.Second // the whole request, redirects and body included
	DefaultMaxRedirects   = 10
	DefaultRetryAfterMax  = 30 * time.Second // a longer Retry-After is cut to this
)

// Config tunes a Fetcher; it is also the settings of Job, which carry it to
// cluster workers as JSON. The zero value verifies TLS, applies the
// Default timeouts and limits, and leaves concurrency per host and rates
// unlimited. PerHost, Rate and HostRate bound one Fetcher: on a cluster,
// each worker process has its own.
type Config struct {
	// Insecure skips TLS certificate verification.
	Insecure bool `json:"insecure,omitempty"`
	// ConnectTimeout bounds the TCP connect and the TLS handshake.
	// Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration `json:"connect_timeout,omitempty"`
	// HeaderTimeout bounds the wait for response headers once the request
	// is sent. Zero means DefaultHeaderTimeout.
	HeaderTimeout time.Duration `json:"header_timeout,omitempty"`
	// Timeout bounds one whole attempt: redirects, headers and body.
	// Zero means DefaultTimeout.
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxRedirects is how many redirects are followed. Zero means
	// DefaultMaxRedirects; negative means none.
	MaxRedirects int `json:"max_redirects,omitempty"`
	// MaxBytes caps the bytes of body read per page (after decompression).
	// Zero means DefaultMaxBytes.
	MaxBytes int64 `json:"max_bytes,omitempty"`
	// MaxTitle caps the runes of a title. Zero means DefaultMaxTitle.
	MaxTitle int `json:"max_title,omitempty"`
	// PerHost bounds the requests in flight to one host. Zero means no
	// bound: the caller's concurrency alone sets the pace.
	PerHost int `json:"per_host,omitempty"`
	// Rate bounds the requests started per second, over all hosts.
	// Zero means unlimited.
	Rate float64 `json:"rate,omitempty"`
	// HostRate bounds the requests started per second to one host.
	// Zero means unlimited.
	HostRate float64 `json:"host_rate,omitempty"`
	// UserAgent is sent with every request. Empty means "fanout-titles/1".
	UserAgent string `json:"user_agent,omitempty"`
	// MaxIdlePerHost is how many idle connections are kept per host for
	// reuse. Zero means 256, enough for a run of 100 at once on one host.
	MaxIdlePerHost int `json:"max_idle_per_host,omitempty"`
}

func (c Config) withDefaults() Config {
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.HeaderTimeout <= 0 {
		c.HeaderTimeout = DefaultHeaderTimeout
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRedirects == 0 {
		c.MaxRedirects = DefaultMaxRedirects
	}
	if c.MaxRedirects < 0 {
		c.MaxRedirects = 0
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxTitle <= 0 {
		c.MaxTitle = DefaultMaxTitle
	}
	if c.UserAgent == "" {
		c.UserAgent = "fanout-titles/1"
	}
	if c.MaxIdlePerHost <= 0 {
		c.MaxIdlePerHost = 256
	}
	return c
}

// Validate reports a field out of its range: a negative timeout, limit or
// rate, a rate that is not a number, or a user agent with a line break.
func (c Config) Validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"connect timeout", c.ConnectTimeout}, {"header timeout", c.HeaderTimeout}, {"timeout", c.Timeout}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %v must not be negative", d.name, d.v))
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"max bytes", c.MaxBytes}, {"max title", int64(c.MaxTitle)}, {"per host", int64(c.PerHost)}, {"max idle per host", int64(c.MaxIdlePerHost)}} {
		if n.v < 0 {
			errs = append(errs, fmt.Errorf("%s %d must not be negative", n.name, n.v))
		}
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"rate", c.Rate}, {"host rate", c.HostRate}} {
		if r.v < 0 || math.IsNaN(r.v) || math.IsInf(r.v, 0) {
			errs = append(errs, fmt.Errorf("%s %v must be a number from 0 up", r.name, r.v))
		}
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, fmt.Errorf("user agent %q must be one line", c.UserAgent))
	}
	return errors.Join(errs...)
}
