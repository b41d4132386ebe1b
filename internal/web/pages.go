package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"
)

//go:embed assets
var assets embed.FS

// staticFS holds the files served under /static/.
var staticFS = mustSub(assets, "assets/static")

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"count": func(n int) string { return count(int64(n)) },
}).ParseFS(assets, "assets/*.html"))

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// runData is what the run page template is given.
type runData struct {
	S        Snapshot
	D        Display
	Bars     []bar
	F        FailurePage
	Q        Query
	Self     string // the page's own path
	Events   string // the event stream's path
	JSON     string // the failures' JSON path
	Prev     string // the previous page of failures, or ""
	Next     string // the next page, or ""
	Options  []classOption
	Finished bool
	Failures int64 // failures counted, kept or not
}

// classOption is one choice of the class filter.
type classOption struct {
	Class    string
	Label    string
	Selected bool
}

// maxSearch bounds the search text taken from an address.
const maxSearch = 256

// parseQuery reads the failure filter from the address: class, q, page.
func parseQuery(r *http.Request) Query {
	v := r.URL.Query()
	q := Query{Class: v.Get("class"), Text: v.Get("q"), PerPage: DefaultPerPage}
	if len(q.Text) > maxSearch {
		q.Text = q.Text[:maxSearch]
		for !utf8.ValidString(q.Text) {
			q.Text = q.Text[:len(q.Text)-1]
		}
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 0 {
		q.Page = p
	}
	return q
}

// link is the address of page p of the failures q selects, on path.
func link(path string, q Query, p int) string {
	v := url.Values{}
	if q.Class != "" {
		v.Set("class", q.Class)
	}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if p > 1 {
		v.Set("page", strconv.Itoa(p))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// runPage renders the page of run v.
func (s *Server) runPage(w http.ResponseWriter, r *http.Request, v View) {
	snap := v.Snapshot()
	q := parseQuery(r)
	fp := v.Failures(q)
	self := "/runs/" + url.PathEscape(v.ID())
	d := runData{
		S: snap, D: display(snap), Bars: bars(snap.Timeline), F: fp, Q: q,
		Self: self, Events: self + "/events", JSON: self + "/failures.json",
		Finished: snap.State != StateRunning && ended(v), Failures: int64(snap.Kept) + snap.Dropped,
	}
	if fp.Page > 1 {
		d.Prev = link(self, q, min(fp.Page-1, fp.Pages))
	}
	if fp.Page < fp.Pages {
		d.Next = link(self, q, fp.Page+1)
	}
	d.Options = append(d.Options, classOption{Label: "all classes", Selected: q.Class == ""})
	for _, c := range snap.Classes {
		d.Options = append(d.Options, classOption{Class: c.Class, Label: c.Class + " (" + count(c.Count) + ")", Selected: q.Class == c.Class})
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "run.html", d); err != nil {
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// failuresJSON answers the failures a query selects, as the page's script
// shows them.
func (s *Server) failuresJSON(w http.ResponseWriter, r *http.Request, v View) {
	writeJSON(w, v.Failures(parseQuery(r)))
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// update is what one event of the stream carries.
type update struct {
	State    State        `json:"state"`
	Final    bool         `json:"final"`
	Done     int64        `json:"done"`
	Failed   int64        `json:"failed"`
	Total    int64        `json:"total"`
	Text     Display      `json:"text"`
	Timeline Timeline     `json:"timeline"`
	Classes  []ClassCount `json:"classes"`
	Failures int64        `json:"failures"` // failures counted, kept or not
}

// newUpdate is the update for snapshot s.
func newUpdate(s Snapshot) update {
	return update{
		State: s.State, Final: s.State != StateRunning,
		Done: s.Done, Failed: s.Failed, Total: s.Total,
		Text: display(s), Timeline: s.Timeline, Classes: s.Classes,
		Failures: int64(s.Kept) + s.Dropped,
	}
}
