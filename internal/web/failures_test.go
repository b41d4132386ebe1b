package web

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestFailureQuery(t *testing.T) {
	var s failureStore
	classes := []string{"dns", "timeout", "http_status"}
	for i := range 250 {
		item := fmt.Sprintf("https://Host%d.example/page", i)
		s.add(Failure{Item: item, Class: classes[i%3], Reason: "boom", Attempts: 1 + i%3})
	}
	tests := []struct {
		name         string
		q            Query
		matches      int
		page, pages  int
		first        int64 // N of the first row
		rows         int
		allClass     string
		itemContains string
	}{
		{"all, first page", Query{}, 250, 1, 5, 1, 50, "", ""},
		{"all, last page", Query{Page: 5}, 250, 5, 5, 201, 50, "", ""},
		{"past the end", Query{Page: 9}, 250, 9, 5, 0, 0, "", ""},
		{"one class", Query{Class: "timeout"}, 83, 1, 2, 2, 50, "timeout", ""},
		{"one class, page 2", Query{Class: "timeout", Page: 2}, 83, 2, 2, 152, 33, "timeout", ""},
		{"search, any case", Query{Text: "HOST7"}, 11, 1, 1, 8, 11, "", "host7"}, // 7, 70-79
		{"search within a class", Query{Class: "dns", Text: "host1"}, 36, 1, 1, 13, 36, "dns", "host1"},
		{"no such class", Query{Class: "tls"}, 0, 1, 1, 0, 0, "", ""},
		{"small pages", Query{PerPage: 10, Page: 3}, 250, 3, 25, 21, 10, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.query(tt.q)
			if p.Matches != tt.matches || p.Page != tt.page || p.Pages != tt.pages || len(p.Rows) != tt.rows {
				t.Fatalf("got %d matches, page %d of %d, %d rows; want %d, %d of %d, %d",
					p.Matches, p.Page, p.Pages, len(p.Rows), tt.matches, tt.page, tt.pages, tt.rows)
			}
			if tt.rows > 0 && p.Rows[0].N != tt.first {
				t.Errorf("first row is #%d, want #%d", p.Rows[0].N, tt.first)
			}
			for _, f := range p.Rows {
				if tt.allClass != "" && f.Class != tt.allClass {
					t.Errorf("row %d has class %q", f.N, f.Class)
				}
				if tt.itemContains != "" && !strings.Contains(strings.ToLower(f.Item), tt.itemContains) {
					t.Errorf("row %d: %q", f.N, f.Item)
				}
			}
		})
	}
	if cc := s.classes(); len(cc) != 3 || cc[0] != (ClassCount{"dns", 84}) || cc[2] != (ClassCount{"http_status", 83}) {
		t.Errorf("classes %v", cc)
	}
}

func TestFailuresBounded(t *testing.T) {
	var s failureStore
	long := strings.Repeat("é", 2000) // 4000 bytes
	for i := range MaxFailures + 500 {
		item := "item"
		if i == 0 {
			item = long
		}
		s.add(Failure{Item: item, Class: "c", Reason: "r"})
	}
	kept, dropped := s.kept()
	if kept != MaxFailures || dropped != 500 {
		t.Errorf("kept %d, dropped %d; want %d, 500", kept, dropped, MaxFailures)
	}
	if cc := s.classes(); cc[0].Count != MaxFailures+500 {
		t.Errorf("class count %d: failures not kept must still count", cc[0].Count)
	}
	first := s.query(Query{}).Rows[0].Item
	if len(first) > maxText || !strings.HasSuffix(first, "…") || !strings.HasPrefix(first, "éé") {
		t.Errorf("a long item is kept as %d bytes %.20q", len(first), first)
	}
	if p := s.query(Query{Page: MaxFailures/DefaultPerPage + 1}); len(p.Rows) != 0 || p.Dropped != 500 {
		t.Errorf("page past the kept failures: %d rows, %d dropped", len(p.Rows), p.Dropped)
	}
}

func TestFailureClassesBounded(t *testing.T) {
	var s failureStore
	for i := range maxClasses + 10 {
		s.add(Failure{Item: "x", Class: fmt.Sprint("class", i)})
	}
	cc := s.classes()
	if len(cc) != maxClasses+1 || cc[maxClasses] != (ClassCount{"other", 10}) {
		t.Errorf("%d classes, last %v", len(cc), cc[len(cc)-1])
	}
}

func TestTimelineBounded(t *testing.T) {
	var tl timeline
	for s := range 3000 {
		tl.add(time.Duration(s)*time.Second, 2)
	}
	snap := tl.snapshot(3000 * time.Second)
	if len(snap.Counts) > maxBuckets || snap.Width != 8 {
		t.Fatalf("%d buckets of %gs", len(snap.Counts), snap.Width)
	}
	var sum int64
	for _, c := range snap.Counts {
		sum += c
	}
	if sum != 6000 || snap.Counts[0] != 16 {
		t.Errorf("sum %d, first bucket %d; want 6000, 16", sum, snap.Counts[0])
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
