package title

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// limiter enforces Config.PerHost, Config.Rate and Config.HostRate.
// Its zero value (all limits off) lets every request through at once.
type limiter struct {
	global   *rate.Limiter // nil: no global rate
	perHost  int           // 0: no bound on requests in flight per host
	hostRate float64       // 0: no rate per host

	mu    sync.Mutex
	hosts map[string]*hostLimit
}

type hostLimit struct {
	sem  chan struct{} // nil when perHost is 0
	rate *rate.Limiter // nil when hostRate is 0
}

func newLimiter(c Config) *limiter {
	l := &limiter{perHost: c.PerHost, hostRate: c.HostRate}
	if c.Rate > 0 {
		l.global = rate.NewLimiter(rate.Limit(c.Rate), max(1, int(c.Rate/10)))
	}
	return l
}

// acquire waits until a request to host may start, and returns the
// function that ends it.
func (l *limiter) acquire(ctx context.Context, host string) (release func(), err error) {
	if l.global != nil {
		if err := l.global.Wait(ctx); err != nil {
			return nil, err
		}
	}
	if l.perHost <= 0 && l.hostRate <= 0 {
		return func() {}, nil
	}
	h := l.host(host)
	if h.rate != nil {
		if err := h.rate.Wait(ctx); err != nil {
			return nil, err
		}
	}
	if h.sem == nil {
		return func() {}, nil
	}
	select {
	case h.sem <- struct{}{}:
		return func() { <-h.sem }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (l *limiter) host(name string) *hostLimit {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.hosts == nil {
		l.hosts = make(map[string]*hostLimit)
	}
	h := l.hosts[name]
	if h == nil {
		h = &hostLimit{}
		if l.perHost > 0 {
			h.sem = make(chan struct{}, l.perHost)
		}
		if l.hostRate > 0 {
			h.rate = rate.NewLimiter(rate.Limit(l.hostRate), 1)
		}
		l.hosts[name] = h
	}
	return h
}
