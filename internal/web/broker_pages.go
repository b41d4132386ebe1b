package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fanout-dev/fanout/cluster"
)

// runRow is one line of the runs page, formatted once for the page and
// for its event stream alike.
type runRow struct {
	ID      string `json:"id"`
	Link    string `json:"link"`
	Job     string `json:"job"`
	Host    string `json:"host"`
	Started string `json:"started"`
	State   string `json:"state"`
	Done    string `json:"done"`
	Failed  string `json:"failed"`
	Total   string `json:"total"`
	Rate    string `json:"rate"`
	ETA     string `json:"eta"`
	Percent string `json:"percent"`
	DoneN   int64  `json:"donen"`
	TotalN  int64  `json:"totaln"`
}

// runRows lists the runs the broker knows, newest first, with live
// counts: the greater of the record's (written every submitter heartbeat)
// and the monitor's (as results go by).
func (b *Broker) runRows(ctx context.Context) ([]runRow, error) {
	runs, err := b.recordsNow(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]runRow, 0, len(runs))
	for _, rec := range runs {
		c := b.m.Counts(rec.ID)
		ok, failed := max(rec.Done, c.OK), max(rec.Failed, c.Failed)
		done := ok + failed
		total := max(rec.Total, c.Tasks, done)
		end := time.Now()
		if rec.State != cluster.StateRunning {
			end = rec.Updated
		}
		row := runRow{ID: rec.ID, Link: "/runs/" + url.PathEscape(rec.ID), Job: rec.Job, Host: rec.Host,
			Started: rec.Created.Local().Format("2006-01-02 15:04:05"), State: rec.State,
			Done: count(done), Failed: count(failed), Total: count(total), ETA: "–", DoneN: done, TotalN: total}
		r := 0.0
		if secs := end.Sub(rec.Created).Seconds(); secs > 0 {
			r = float64(done) / secs
		}
		row.Rate = rate(r) + "/s"
		if total > 0 {
			row.Percent = strconv.FormatFloat(100*float64(done)/float64(total), 'f', 1, 64) + "%"
		}
		if rec.State == cluster.StateRunning && r > 0 && total > done {
			row.ETA = duration(time.Duration(float64(total-done) / r * float64(time.Second)))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// render writes template name with data, or a 500.
func render(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// runsPage lists the runs.
func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	rows, err := s.broker.runRows(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	render(w, "runs.html", struct{ Rows []runRow }{rows})
}

// runsEvents streams the runs page's rows as "runs" events, every
// Interval while they change and every second at least, until the client
// goes or the server stops.
func (s *Server) runsEvents(w http.ResponseWriter, r *http.Request) {
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	default:
		http.Error(w, "too many event streams", http.StatusServiceUnavailable)
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		http.Error(w, "event stream: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	tick := time.NewTicker(max(s.cfg.Interval, 250*time.Millisecond))
	defer tick.Stop()
	var last []byte
	var sent time.Time
	for {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		rows, err := s.broker.runRows(ctx)
		cancel()
		if err == nil {
			b, _ := json.Marshal(rows)
			if !bytes.Equal(b, last) || time.Since(sent) > time.Second {
				last, sent = b, time.Now()
				if err := rc.SetWriteDeadline(time.Now().Add(writeWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
					return
				}
				if _, err := fmt.Fprintf(w, "event: runs\ndata: %s\n\n", b); err != nil {
					return
				}
				if rc.Flush() != nil {
					return
				}
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.quit:
			return
		case <-tick.C:
		}
	}
}

// workerRow is one line of the workers page.
type workerRow struct {
	cluster.WorkerRecord
	JobList string
	Status  string // "up", "gone" or "silent"
	Ago     string
	Started string
}

// workersPage lists the workers that reported themselves.
func (s *Server) workersPage(w http.ResponseWriter, r *http.Request) {
	ws, err := s.broker.m.Workers(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hb := s.broker.m.Config().Heartbeat
	rows := make([]workerRow, 0, len(ws))
	for _, wr := range ws {
		row := workerRow{WorkerRecord: wr, Status: "up", Ago: duration(time.Since(wr.Beat)) + " ago", Started: wr.Started.Local().Format("2006-01-02 15:04:05")}
		for i, j := range wr.Jobs {
			if i > 0 {
				row.JobList += ", "
			}
			row.JobList += j
		}
		switch {
		case wr.Gone:
			row.Status = "gone"
		case wr.Silent(time.Now(), hb):
			row.Status = "silent"
		}
		rows = append(rows, row)
	}
	render(w, "workers.html", struct{ Rows []workerRow }{rows})
}

// queuePage shows the work queue as JetStream counts it.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	q, err := s.broker.m.Queue(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	render(w, "queue.html", q)
}

// confirmData is what the confirmation page of an action is given.
type confirmData struct {
	ID, Action, Verb, What, Self string
}

// confirm asks before an action on run v: a form that POSTs it.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, v View) {
	d := confirmData{ID: v.ID(), Action: r.PathValue("action"), Self: "/runs/" + url.PathEscape(v.ID())}
	switch d.Action {
	case "cancel":
		d.Verb, d.What = "Cancel the run", "Its waiting tasks are withdrawn and the running ones stopped; its submitter's waiting items fail."
	case "retry":
		d.Verb, d.What = "Retry the failed tasks", "The tasks of this run that failed are sent again, as a new run, with the same job and settings."
	default:
		http.NotFound(w, r)
		return
	}
	render(w, "confirm.html", d)
}

// act does a confirmed action: POST, from this site, with confirm=yes.
func (s *Server) act(w http.ResponseWriter, r *http.Request, v View) {
	if !sameOrigin(r) {
		http.Error(w, "forbidden: the action must come from this server's own page", http.StatusForbidden)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		http.Error(w, "not confirmed", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	to := "/runs/" + url.PathEscape(v.ID())
	switch r.PathValue("action") {
	case "cancel":
		if _, _, err := s.broker.m.Cancel(ctx, v.ID(), "cancelled on the broker's page"); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
	case "retry":
		id, _, err := s.broker.m.Retry(ctx, v.ID())
		if err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		s.broker.refresh(ctx)
		to = "/runs/" + url.PathEscape(id)
	default:
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// sameOrigin says whether a request comes from a page of this server: its
// Origin header names the Host it was sent to, or, without one, the
// browser says it is same-origin. A client that is not a browser (curl)
// sends neither; it still needs the token.
func sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host && (u.Scheme == "http" || u.Scheme == "https")
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	return true
}
