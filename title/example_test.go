package title_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/title"
)

func ExampleExtract() {
	page := "<html><head><svg><title>icon</title></svg>" +
		"<title>\n  Fish &amp; Chips\n</title></head><body>never read</body></html>"
	x, err := title.Extract(strings.NewReader(page), "text/html; charset=utf-8", title.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %s\n", x.Title, x.Charset.Name)
	// Output: "Fish & Chips" utf-8
}

func ExampleFetcher_Fetch() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		w.Write([]byte("<title>\xcf\xf0\xe8\xe2\xe5\xf2</title>")) // "Привет" in windows-1251
	}))
	defer srv.Close()

	f := title.New(title.Config{})
	p, err := f.Fetch(context.Background(), srv.URL)
	fmt.Println(p.Title, p.Charset, p.Status, err)
	_, err = f.Fetch(context.Background(), srv.URL+"/\x7f")
	fmt.Println(title.ClassOf(err))
	// Output:
	// Привет windows-1251 200 <nil>
	// bad_url
}

// The titles job, built from its settings, fetches one page per input.
func ExampleJob() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>Caf&eacute;   menu</title></head></html>")
	}))
	defer srv.Close()
	job, err := title.Job.Job(title.Config{Timeout: 5 * time.Second})
	if err != nil {
		panic(err)
	}
	p, err := job.Run(context.Background(), srv.URL)
	fmt.Println(p.Title, p.Status, err)
	// Output: Café menu 200 <nil>
}
