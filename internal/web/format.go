package web

import (
	"strconv"
	"time"
)

// Display is a snapshot's figures as the page shows them. The server
// formats them once, for the page and for the event stream alike, so that
// the script shows exactly what a refresh would.
type Display struct {
	State     string `json:"state"`
	Started   string `json:"started"`
	Done      string `json:"done"`
	OK        string `json:"ok"`
	Failed    string `json:"failed"`
	Cancelled string `json:"cancelled"`
	Total     string `json:"total"`
	InFlight  string `json:"inflight"`
	Elapsed   string `json:"elapsed"`
	Rate      string `json:"rate"`
	ETA       string `json:"eta"`
	Percent   string `json:"percent"`
	Kept      string `json:"kept"`
	Dropped   string `json:"dropped"`
	Peak      string `json:"peak"`   // the timeline's highest rate
	Bucket    string `json:"bucket"` // the time one timeline bar covers
	// On a cluster run: items in the tasks, ok and failed.
	ItemsOK     string `json:"itemsok"`
	ItemsFailed string `json:"itemsfailed"`
}

// display formats s.
func display(s Snapshot) Display {
	d := Display{
		State:     string(s.State),
		Started:   s.Started.Format("2006-01-02 15:04:05 MST"),
		Done:      count(s.Done),
		OK:        count(s.OK),
		Failed:    count(s.Failed),
		Cancelled: count(s.Cancelled),
		Total:     "unknown",
		InFlight:  count(s.InFlight),
		Elapsed:   duration(s.Elapsed),
		Rate:      rate(s.Rate) + " " + s.Noun + "/s",
		ETA:       "–",
		Percent:   "",
		Kept:      count(int64(s.Kept)),
		Dropped:   count(s.Dropped),
		Bucket:    duration(time.Duration(s.Timeline.Width * float64(time.Second))),
		ItemsOK:   count(s.ItemsOK), ItemsFailed: count(s.ItemsFailed),
	}
	if s.Total > 0 {
		d.Total = count(s.Total)
		d.Percent = strconv.FormatFloat(100*float64(min(s.Done, s.Total))/float64(s.Total), 'f', 1, 64) + "%"
	}
	if s.ETA >= 0 {
		d.ETA = duration(s.ETA)
	}
	var peak int64
	for _, c := range s.Timeline.Counts {
		peak = max(peak, c)
	}
	if s.Timeline.Width > 0 {
		d.Peak = rate(float64(peak)/s.Timeline.Width) + "/s"
	}
	return d
}

// count writes n with thousands separated by commas: 1,000,000.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// rate writes a rate: whole from 100 on, else with one decimal.
func rate(r float64) string {
	if r >= 100 {
		return count(int64(r + 0.5))
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// duration writes d to the second (to the tenth below ten seconds).
func duration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// bar is one bar of the timeline chart, in the chart's own units: the
// chart is chartW wide and chartH high.
type bar struct {
	X, Y, W, H float64
	Title      string // its rate, for a tooltip
}

const (
	chartW = 600
	chartH = 100
)

// bars lays out the timeline as a bar chart: bars of equal width, the
// highest chartH high. The page's script lays out updates the same way.
func bars(t Timeline) []bar {
	n := len(t.Counts)
	if n == 0 || t.Width <= 0 {
		return nil
	}
	var peak int64
	for _, c := range t.Counts {
		peak = max(peak, c)
	}
	w := float64(chartW) / float64(max(n, 60))
	out := make([]bar, 0, n)
	for i, c := range t.Counts {
		h := 0.0
		if peak > 0 {
			h = float64(c) / float64(peak) * chartH
		}
		out = append(out, bar{
			X: float64(i) * w, Y: chartH - h, W: w * 0.9, H: h,
			Title: rate(float64(c)/t.Width) + "/s at " + duration(time.Duration(float64(i)*t.Width*float64(time.Second))),
		})
	}
	return out
}
