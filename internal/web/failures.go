package web

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Bounds of the failure store: the first MaxFailures failures are kept in
// full, up to MaxFailureBytes of text; later ones are only counted. An
// item name or a reason longer than maxText bytes is cut.
const (
	MaxFailures     = 100_000
	MaxFailureBytes = 64 << 20
	maxText         = 1024
	maxClasses      = 64 // distinct classes; further ones count as "other"
)

// Failure is one failed item as the page lists it.
type Failure struct {
	N        int64  `json:"n"`     // its number among the run's failures, from 1
	Item     string `json:"item"`  // the item's name, cut at 1 KiB
	Class    string `json:"class"` // its error class, "" when the job has none
	Reason   string `json:"reason"`
	Attempts int    `json:"attempts"`
	Worker   string `json:"worker,omitempty"` // host:pid, on a cluster run
	key      string // Item in lower case, "" when it is already
}

// Query selects failures: of one class ("" for all), whose item holds
// Text (case-insensitive), page Page (from 1) of PerPage.
type Query struct {
	Class   string
	Text    string
	Page    int
	PerPage int
}

// DefaultPerPage is the number of failures on a page.
const DefaultPerPage = 50

// FailurePage is one page of the failures a Query selects.
type FailurePage struct {
	Rows    []Failure `json:"rows"`
	Matches int       `json:"matches"` // failures kept that the query selects
	Page    int       `json:"page"`
	Pages   int       `json:"pages"`
	Kept    int       `json:"kept"`    // failures kept in full
	Dropped int64     `json:"dropped"` // failures counted but not kept
}

// ClassCount is how many failures had one class, kept or not.
type ClassCount struct {
	Class string `json:"class"`
	Count int64  `json:"count"`
}

// failureStore keeps the first failures of a run. It has one writer (the
// goroutine that reports results) and any number of readers. rows only
// grows, and a row never changes once appended, so a reader copies the
// slice headers under mu and then reads without it.
type failureStore struct {
	mu      sync.Mutex
	rows    []Failure
	byClass map[string][]int32 // indexes into rows, per class
	counts  map[string]int64   // failures per class, kept or not
	order   []string           // classes in order of first failure
	bytes   int
	total   int64
	dropped int64
}

// add records f and returns the class it was counted under.
func (s *failureStore) add(f Failure) string {
	f.Item, f.Reason, f.Worker = cut(f.Item), cut(f.Reason), cut(f.Worker)
	if lower := strings.ToLower(f.Item); lower != f.Item {
		f.key = lower
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts, s.byClass = map[string]int64{}, map[string][]int32{}
	}
	if _, seen := s.counts[f.Class]; !seen && f.Class != "" {
		if len(s.order) >= maxClasses {
			f.Class = "other"
		}
		if _, seen := s.counts[f.Class]; !seen {
			s.order = append(s.order, f.Class)
		}
	}
	s.counts[f.Class]++
	s.total++
	f.N = s.total
	size := len(f.Item) + len(f.Reason) + len(f.key) + 64
	if len(s.rows) >= MaxFailures || s.bytes+size > MaxFailureBytes {
		s.dropped++
		return f.Class
	}
	s.bytes += size
	s.rows = append(s.rows, f)
	if f.Class != "" {
		s.byClass[f.Class] = append(s.byClass[f.Class], int32(len(s.rows)-1))
	}
	return f.Class
}

// classes returns the failures per class, in order of first failure.
func (s *failureStore) classes() []ClassCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ClassCount, 0, len(s.order))
	for _, c := range s.order {
		out = append(out, ClassCount{c, s.counts[c]})
	}
	return out
}

// kept returns how many failures are kept and how many only counted.
func (s *failureStore) kept() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rows), s.dropped
}

// query returns the page of failures q selects. With neither a class nor
// a text it is a slice of the rows; with a class alone, of its index;
// only a text search reads every row it could select.
func (s *failureStore) query(q Query) FailurePage {
	per := q.PerPage
	if per <= 0 || per > 500 {
		per = DefaultPerPage
	}
	s.mu.Lock()
	rows, idx, dropped := s.rows, s.byClass[q.Class], s.dropped
	s.mu.Unlock()

	p := FailurePage{Kept: len(rows), Dropped: dropped}
	n := len(rows)
	at := func(i int) *Failure { return &rows[i] }
	if q.Class != "" {
		n = len(idx)
		at = func(i int) *Failure { return &rows[idx[i]] }
	}
	page := max(q.Page, 1)
	first := (page - 1) * per
	needle := strings.ToLower(strings.TrimSpace(q.Text))
	if needle == "" {
		p.Matches = n
		for i := first; i < n && i < first+per; i++ {
			p.Rows = append(p.Rows, *at(i))
		}
	} else {
		for i := range n {
			f := at(i)
			key := f.key
			if key == "" {
				key = f.Item
			}
			if !strings.Contains(key, needle) {
				continue
			}
			if p.Matches >= first && p.Matches < first+per {
				p.Rows = append(p.Rows, *f)
			}
			p.Matches++
		}
	}
	p.Pages = max(1, (p.Matches+per-1)/per)
	p.Page = page
	return p
}

// cut shortens s to at most maxText bytes, on a character boundary, and
// marks the cut with an ellipsis.
func cut(s string) string {
	if len(s) <= maxText {
		return s
	}
	n := maxText - len("…")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
