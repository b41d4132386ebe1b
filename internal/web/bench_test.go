package web

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

var (
	hugeOnce sync.Once
	hugeRun  *Run
)

// huge is a run of 1,100,000 items: 1,000,000 done, 100,000 of them
// failed in 8 classes (all kept, MaxFailures), over ten minutes of
// timeline.
func huge() *Run {
	hugeOnce.Do(func() {
		r := NewRun(Info{Job: "titles", Noun: "URLs", Total: 1_100_000, Classes: true})
		classes := []string{"dns", "connect", "tls", "timeout", "reset", "http_status", "not_html", "no_title"}
		for i := range MaxFailures {
			c := classes[i%len(classes)]
			r.Fail(fmt.Sprintf("https://host%06d.example.com/some/path/page-%d.html", i, i), c, c+": something went wrong on the way", 1+i%3)
		}
		r.OK(1_000_000 - MaxFailures)
		r.mu.Lock()
		for s := range 600 {
			r.tl.add(time.Duration(s)*time.Second, int64(1000+s))
		}
		r.mu.Unlock()
		hugeRun = r
	})
	return hugeRun
}

// The pages a huge run answers, each timed by the benchmark of its name.
var hugePages = []struct{ name, path string }{
	{"RunPage", "/"},
	{"FailuresOfClassPage40", "/runs/local?class=timeout&page=40"},
	{"FailuresSearch", "/runs/local?q=HOST0123"},
	{"FailuresSearchInClassPage3", "/runs/local?class=dns&q=example.com&page=3"},
	{"FailuresJSON", "/runs/local/failures.json?class=tls&page=100"},
}

func benchPage(b *testing.B, path string) {
	s := newTestServer(b, Config{}, huge())
	h := s.Handler()
	if rec := get(b, h, path); rec.Code != http.StatusOK {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		get(b, h, path)
	}
}

// go test -run XX -bench . ./internal/web
func BenchmarkRunPage(b *testing.B)               { benchPage(b, hugePages[0].path) }
func BenchmarkFailuresOfClassPage(b *testing.B)   { benchPage(b, hugePages[1].path) }
func BenchmarkFailuresSearch(b *testing.B)        { benchPage(b, hugePages[2].path) }
func BenchmarkFailuresSearchInClass(b *testing.B) { benchPage(b, hugePages[3].path) }
func BenchmarkFailuresJSON(b *testing.B)          { benchPage(b, hugePages[4].path) }

func BenchmarkEventUpdate(b *testing.B) {
	r := huge()
	b.ReportAllocs()
	for b.Loop() {
		_ = newUpdate(r.Snapshot())
	}
}

// BenchmarkReport is the cost Drive's hook adds per item with --http.
func BenchmarkReport(b *testing.B) {
	r := NewRun(Info{Job: "titles"})
	b.ReportAllocs()
	for b.Loop() {
		r.End(r.Begin())
		r.OK(1)
	}
}

// TestHugeRunPages checks the pages of a run with 1,000,000 items done and
// 100,000 failures answer well under 100ms (the benchmarks above time
// them; this is a coarse guard, loose under the race detector).
func TestHugeRunPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a run of 100,000 failures")
	}
	s := newTestServer(t, Config{}, huge())
	limit := 100 * time.Millisecond
	if raceEnabled {
		limit = time.Second
	}
	for _, p := range hugePages {
		var best time.Duration
		for i := range 5 {
			start := time.Now()
			rec := get(t, s.Handler(), p.path)
			if d := time.Since(start); i == 0 || d < best {
				best = d
			}
			if rec.Code != 200 {
				t.Fatalf("%s: %d", p.path, rec.Code)
			}
		}
		t.Logf("%s (%s): %v", p.name, p.path, best)
		if best > limit {
			t.Errorf("%s took %v, more than %v", p.path, best, limit)
		}
	}
}
