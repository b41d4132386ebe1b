package title

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// hostsKept is how many hosts l keeps a limit for.
func hostsKept(l *limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}

func hasHost(l *limiter, host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hosts[host] != nil
}

// visit makes one request's worth of use of each host from..to-1: the
// limiter sees them as strings, nothing is dialled or looked up.
func visit(t *testing.T, l *limiter, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		release, err := l.acquire(context.Background(), fmt.Sprintf("127.0.0.1:%d", 10000+i))
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
}

// A list of a million hosts must not keep a million limits: hosts that
// are idle (nothing in flight, their rate's bucket full) are dropped.
func TestLimiterEvictsIdleHosts(t *testing.T) {
	for _, c := range []Config{{PerHost: 2}, {PerHost: 1, HostRate: 1e6}, {HostRate: 1e6}} {
		l := newLimiter(c)
		peak := 0
		for i := range 50_000 {
			visit(t, l, i, i+1)
			peak = max(peak, hostsKept(l))
		}
		if bound := 2 * defaultSweepMin; peak > bound {
			t.Errorf("%+v: %d hosts kept at once after 50,000 distinct ones, want at most %d", c, peak, bound)
		}
	}
}

// A host is dropped only when a new limit for it would behave the same:
// its bucket is full again. Used just now, it is kept, and its next
// request waits its turn; dropped and seen again, it gets no burst either.
func TestLimiterEvictedHostKeepsItsRate(t *testing.T) {
	const interval = 100 * time.Millisecond
	l := newLimiter(Config{HostRate: float64(time.Second / interval)})
	l.sweepMin = 16
	const host = "127.0.0.1:1"
	ctx := context.Background()
	first := time.Now()
	release, err := l.acquire(ctx, host)
	if err != nil {
		t.Fatal(err)
	}
	release()
	visit(t, l, 0, 100) // several sweeps, while host's bucket is empty
	if !hasHost(l, host) {
		t.Fatalf("a host used %v ago was dropped, with its bucket not full", time.Since(first))
	}
	release, err = l.acquire(ctx, host)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if took := time.Since(first); took < interval*9/10 {
		t.Errorf("two requests to one host %v apart, want at least %v", took, interval)
	}

	time.Sleep(2 * interval) // idle: the bucket fills
	visit(t, l, 100, 200)
	if !hasHost(l, "127.0.0.1:10199") || hasHost(l, host) {
		t.Fatalf("an idle host was kept (or the last one dropped): %d hosts kept", hostsKept(l))
	}
	start := time.Now()
	for range 4 {
		release, err := l.acquire(ctx, host)
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	if took := time.Since(start); took < 3*interval*9/10 {
		t.Errorf("4 requests to a host seen again took %v, want at least %v (1 at once, then 1 per %v)", took, 3*interval, interval)
	}
}

// A host with requests in flight or waiting is never dropped: a new
// semaphore for it would let more requests in than --per-host allows.
func TestLimiterKeepsHostsInUse(t *testing.T) {
	l := newLimiter(Config{PerHost: 1})
	l.sweepMin = 16
	const host = "127.0.0.1:1"
	release, err := l.acquire(context.Background(), host)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func())
	go func() {
		r, err := l.acquire(context.Background(), host)
		if err != nil {
			t.Error(err)
			r = func() {}
		}
		got <- r
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		l.mu.Lock()
		refs := l.hosts[host].refs
		l.mu.Unlock()
		if refs == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second request never waited (refs %d)", refs)
		}
	}
	visit(t, l, 0, 200)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r, err := l.acquire(ctx, host); err == nil {
		r()
		t.Fatal("a third request got in while one held the only slot and one waited for it")
	}
	release()
	(<-got)()
}
