package title

import "time"

// Defaults of Config, stated here and in the command's help.
const (
	DefaultConnectTimeout = 5 * time.Second  // TCP connect and TLS handshake
	DefaultHeaderTimeout  = 10 * time.Second // from request sent to response headers
	DefaultTimeout        = 20 * time.Second // the whole request, redirects and body included
	DefaultMaxRedirects   = 10
	DefaultRetryAfterMax  = 30 * time.Second // a longer Retry-After is cut to this
)

// Config tunes a Fetcher. The zero value verifies TLS, applies the Default
// timeouts and limits, and leaves concurrency per host and rates unlimited.
type Config struct {
	// Insecure skips TLS certificate verification.
	Insecure bool
	// ConnectTimeout bounds the TCP connect and the TLS handshake.
	// Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// HeaderTimeout bounds the wait for response headers once the request
	// is sent. Zero means DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// Timeout bounds one whole attempt: redirects, headers and body.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed. Zero means
	// DefaultMaxRedirects; negative means none.
	MaxRedirects int
	// MaxBytes caps the bytes of body read per page (after decompression).
	// Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxTitle caps the runes of a title. Zero means DefaultMaxTitle.
	MaxTitle int
	// PerHost bounds the requests in flight to one host. Zero means no
	// bound: the caller's concurrency alone sets the pace.
	PerHost int
	// Rate bounds the requests started per second, over all hosts.
	// Zero means unlimited.
	Rate float64
	// HostRate bounds the requests started per second to one host.
	// Zero means unlimited.
	HostRate float64
	// UserAgent is sent with every request. Empty means "fanout-titles/1".
	UserAgent string
	// MaxIdlePerHost is how many idle connections are kept per host for
	// reuse. Zero means 256, enough for a run of 100 at once on one host.
	MaxIdlePerHost int
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
