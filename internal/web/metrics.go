package web

import (
	"io"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

// Every metric goes out with its # TYPE line, which Prometheus needs to
// tell a counter from a gauge. The switch is global in
// VictoriaMetrics/metrics; nothing else in fanout writes metrics.
func init() { metrics.ExposeMetadata(true) }

// durationBuckets are the upper bounds, in seconds, of the item duration
// histogram: from a millisecond (a chunk of small numbers) to a minute (a
// slow page, a huge photo).
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// The metrics of a run, each with the label job:
//
//	fanout_items_total{result="ok|failed|cancelled"}  items finished, by outcome
//	fanout_item_failures_total{class}                 failed items by error class (jobs with classes)
//	fanout_item_duration_seconds                      histogram: one attempt at one item
//	fanout_items_in_flight                            attempts running now
//	fanout_run_items_expected                         items in the run when known, else 0
//	fanout_run_start_time_seconds                     when the run began, Unix time
//	fanout_run_state{state}                           1 for the run's state, 0 for the others
//	fanout_failures_kept                              failures kept in full for the page
func (r *Run) initMetrics() {
	r.set = metrics.NewSet()
	job := `job="` + labelValue(r.info.Job) + `"`
	r.ok = r.set.NewCounter(`fanout_items_total{` + job + `,result="ok"}`)
	r.failed = r.set.NewCounter(`fanout_items_total{` + job + `,result="failed"}`)
	r.cancelled = r.set.NewCounter(`fanout_items_total{` + job + `,result="cancelled"}`)
	r.duration = r.set.NewPrometheusHistogramExt(`fanout_item_duration_seconds{`+job+`}`, durationBuckets)
	r.set.NewGauge(`fanout_items_in_flight{`+job+`}`, func() float64 { return float64(max(r.inFlight.Load(), 0)) })
	r.set.NewGauge(`fanout_run_items_expected{`+job+`}`, func() float64 { return float64(r.total.Load()) })
	start := float64(r.started.UnixNano()) / 1e9
	r.set.NewGauge(`fanout_run_start_time_seconds{`+job+`}`, func() float64 { return start })
	for _, s := range []State{StateRunning, StateFinished, StateInterrupted, StateFailed} {
		r.set.NewGauge(`fanout_run_state{`+job+`,state="`+string(s)+`"}`, func() float64 {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.state == s {
				return 1
			}
			return 0
		})
	}
	r.set.NewGauge(`fanout_failures_kept{`+job+`}`, func() float64 {
		n, _ := r.fails.kept()
		return float64(n)
	})
}

// failureCounter returns the counter of failures of class c.
func (r *Run) failureCounter(c string) *metrics.Counter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failClass == nil {
		r.failClass = map[string]*metrics.Counter{}
	}
	k := r.failClass[c]
	if k == nil {
		k = r.set.NewCounter(`fanout_item_failures_total{job="` + labelValue(r.info.Job) + `",class="` + labelValue(c) + `"}`)
		r.failClass[c] = k
	}
	return k
}

// labelValue escapes s for a label value in the text format: backslash,
// double quote and line feed.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// writeProcessMetrics writes the process's own metrics: CPU time, memory,
// open files, goroutines, garbage collection.
func writeProcessMetrics(w io.Writer) { metrics.WriteProcessMetrics(w) }
