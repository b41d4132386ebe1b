package web

import (
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics with Prometheus' own text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mf, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return mf
}

// value is the value of the series of family name with the labels given
// as name, value pairs; -1 when there is none.
func value(mf map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := mf[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.Counter.GetValue()
		case dto.MetricType_GAUGE:
			return m.Gauge.GetValue()
		case dto.MetricType_HISTOGRAM:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	r := NewRun(Info{Job: "titles", Total: 10, Classes: true})
	s := startServer(t, Config{}, r)
	mf := scrape(t, s.URL()+"metrics")
	for name, typ := range map[string]dto.MetricType{
		"fanout_items_total":            dto.MetricType_COUNTER,
		"fanout_item_duration_seconds":  dto.MetricType_HISTOGRAM,
		"fanout_items_in_flight":        dto.MetricType_GAUGE,
		"fanout_run_items_expected":     dto.MetricType_GAUGE,
		"fanout_run_start_time_seconds": dto.MetricType_GAUGE,
		"fanout_run_state":              dto.MetricType_GAUGE,
		"process_cpu_seconds_total":     dto.MetricType_COUNTER,
		"go_goroutines":                 dto.MetricType_GAUGE,
	} {
		if f := mf[name]; f == nil || f.GetType() != typ {
			t.Errorf("%s: %v, want type %v", name, f, typ)
		}
	}
	if v := value(mf, "fanout_items_total", "job", "titles", "result", "ok"); v != 0 {
		t.Errorf("ok before any item: %v", v)
	}

	// Items finish between scrapes: the counters rise.
	start := r.Begin()
	if v := value(scrape(t, s.URL()+"metrics"), "fanout_items_in_flight", "job", "titles"); v != 1 {
		t.Errorf("in flight during an attempt: %v", v)
	}
	r.End(start.Add(-30 * time.Millisecond))
	r.OK(3)
	r.Fail("https://x.example/", "dns", "dns: no such host", 1)
	r.Cancelled(2)
	mf = scrape(t, s.URL()+"metrics")
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"fanout_items_total", []string{"result", "ok"}, 3},
		{"fanout_items_total", []string{"result", "failed"}, 1},
		{"fanout_items_total", []string{"result", "cancelled"}, 2},
		{"fanout_item_failures_total", []string{"class", "dns"}, 1},
		{"fanout_item_duration_seconds", nil, 1},
		{"fanout_items_in_flight", nil, 0},
		{"fanout_run_items_expected", nil, 10},
		{"fanout_run_state", []string{"state", "running"}, 1},
		{"fanout_failures_kept", nil, 1},
	} {
		if v := value(mf, c.name, append([]string{"job", "titles"}, c.labels...)...); v != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, v, c.want)
		}
	}
	r.OK(4)
	r.Finish(StateFinished, 0)
	mf = scrape(t, s.URL()+"metrics")
	if v := value(mf, "fanout_items_total", "result", "ok"); v != 7 {
		t.Errorf("ok after more items: %v, want 7", v)
	}
	if v := value(mf, "fanout_run_state", "state", "finished"); v != 1 {
		t.Errorf("state finished: %v", v)
	}
}

func TestMetricLabelEscaped(t *testing.T) {
	r := NewRun(Info{Job: "a\"b\\c\nd"})
	s := startServer(t, Config{}, r)
	r.OK(1)
	if v := value(scrape(t, s.URL()+"metrics"), "fanout_items_total", "job", "a\"b\\c\nd", "result", "ok"); v != 1 {
		t.Errorf("a job name with quotes: %v", v)
	}
}
