package title

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// defaultSweepMin is the number of hosts kept before idle ones are first
// dropped.
const defaultSweepMin = 1024

// limiter enforces Config.PerHost, Config.Rate and Config.HostRate.
// Its zero value (all limits off) lets every request through at once.
//
// It keeps a limit per host only while the host needs one: a host is
// idle, and is dropped, when nothing is in flight to it or waiting for it
// and its rate's bucket is full again (1/HostRate seconds after its last
// request), so that a new limit for it behaves exactly as the old one
// would. Idle hosts are dropped when a new host would make the map reach
// twice its size after the last sweep (and at least sweepMin): the map
// holds at most max(sweepMin, twice the hosts busy at the last sweep),
// whatever the number of hosts seen, at an amortized constant cost.
type limiter struct {
	global   *rate.Limiter // nil: no global rate
	perHost  int           // 0: no bound on requests in flight per host
	hostRate float64       // 0: no rate per host

	mu       sync.Mutex
	hosts    map[string]*hostLimit
	sweepAt  int // the map's size at which the next sweep runs
	sweepMin int // 0 means defaultSweepMin; tests set it lower
}

type hostLimit struct {
	sem  chan struct{} // nil when perHost is 0
	rate *rate.Limiter // nil when hostRate is 0
	refs int           // requests holding or waiting for this limit; under limiter.mu
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
	h := l.get(host)
	if h.rate != nil {
		if err := h.rate.Wait(ctx); err != nil {
			l.put(h)
			return nil, err
		}
	}
	if h.sem == nil {
		return func() { l.put(h) }, nil
	}
	select {
	case h.sem <- struct{}{}:
		return func() { <-h.sem; l.put(h) }, nil
	case <-ctx.Done():
		l.put(h)
		return nil, context.Cause(ctx)
	}
}

// get returns the limit of host, made if need be, and counts one more
// request holding it.
func (l *limiter) get(name string) *hostLimit {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.hosts == nil {
		l.hosts = make(map[string]*hostLimit)
	}
	h := l.hosts[name]
	if h == nil {
		if len(l.hosts) >= max(l.sweepAt, l.minSweep()) {
			l.sweep(time.Now())
		}
		h = &hostLimit{}
		if l.perHost > 0 {
			h.sem = make(chan struct{}, l.perHost)
		}
		if l.hostRate > 0 {
			h.rate = rate.NewLimiter(rate.Limit(l.hostRate), 1)
		}
		l.hosts[name] = h
	}
	h.refs++
	return h
}

// put counts one request fewer holding h.
func (l *limiter) put(h *hostLimit) {
	l.mu.Lock()
	h.refs--
	l.mu.Unlock()
}

// sweep drops the idle hosts: none holds or waits for them, and their
// bucket is full, as a new one's would be. l.mu must be held.
func (l *limiter) sweep(now time.Time) {
	for name, h := range l.hosts {
		if h.refs == 0 && (h.rate == nil || h.rate.TokensAt(now) >= float64(h.rate.Burst())) {
			delete(l.hosts, name)
		}
	}
	l.sweepAt = 2 * len(l.hosts)
}

func (l *limiter) minSweep() int {
	if l.sweepMin > 0 {
		return l.sweepMin
	}
	return defaultSweepMin
}
