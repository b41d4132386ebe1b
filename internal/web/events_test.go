package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServer starts a server of views on 127.0.0.1 and shuts it down at
// the end of the test.
func startServer(t *testing.T, cfg Config, views ...View) *Server {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	s := newTestServer(t, cfg, views...)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return s
}

// stream reads the updates of an event stream.
type stream struct {
	t    *testing.T
	resp *http.Response
	sc   *bufio.Scanner
}

func openStream(t *testing.T, url string) *stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &stream{t: t, resp: resp, sc: bufio.NewScanner(resp.Body)}
}

// next returns the next update, or false at the end of the stream.
func (s *stream) next() (update, bool) {
	s.t.Helper()
	event := ""
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "update":
			var u update
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &u); err != nil {
				s.t.Fatalf("bad update %q: %v", line, err)
			}
			return u, true
		}
	}
	return update{}, false
}

func TestEventStreamDeliversUpdates(t *testing.T) {
	r := NewRun(Info{Job: "primes", Noun: "numbers", Total: 100})
	s := startServer(t, Config{Interval: 20 * time.Millisecond}, r)
	st := openStream(t, s.URL()+"runs/local/events")
	u, ok := st.next()
	if !ok || u.Done != 0 || u.State != StateRunning || u.Text.Total != "100" {
		t.Fatalf("first update %+v", u)
	}
	r.OK(40)
	r.Fail("7", "", "not an integer", 1)
	deadline := time.Now().Add(5 * time.Second)
	for u.Done != 41 {
		if u, ok = st.next(); !ok || time.Now().After(deadline) {
			t.Fatalf("no update with 41 done; last %+v", u)
		}
	}
	if u.Text.Done != "41" || u.Text.Percent != "41.0%" || u.Failed != 1 || len(u.Timeline.Counts) == 0 {
		t.Errorf("update %+v", u)
	}
	r.OK(59)
	r.Finish(StateFinished, 0)
	for !u.Final {
		if u, ok = st.next(); !ok {
			t.Fatal("the stream ended without a final update")
		}
	}
	if u.Done != 100 || u.State != StateFinished || u.Text.ETA != "–" {
		t.Errorf("final update %+v", u)
	}
	if _, ok := st.next(); ok {
		t.Error("the stream goes on after the final update")
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	r := NewRun(Info{Job: "primes"})
	s := newTestServer(t, Config{Addr: "127.0.0.1:0", Interval: time.Hour}, r)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	var streams []*stream
	for range 3 {
		st := openStream(t, s.URL()+"runs/local/events")
		if _, ok := st.next(); !ok {
			t.Fatal("no first update")
		}
		streams = append(streams, st)
	}
	r.Finish(StateInterrupted, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	for _, st := range streams {
		u, ok := st.next()
		if !ok || !u.Final || u.State != StateInterrupted {
			t.Errorf("last update %+v, %v: want the final one", u, ok)
		}
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("the server still answers after Shutdown")
	}
}

func TestShutdownWhileRunning(t *testing.T) {
	r := NewRun(Info{Job: "primes"})
	s := newTestServer(t, Config{Addr: "127.0.0.1:0"}, r)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	st := openStream(t, s.URL()+"runs/local/events")
	st.next()
	// The run goes on: Shutdown ends its stream anyway, in time.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_ = s.Shutdown(ctx)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v", d)
	}
}
