package title

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// docPage is shaped like a page of the Python documentation: a head of
// about 3 KB of links and scripts before the title, and a long body.
func docPage() []byte {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\" data-content_root=\"../\">\n<head>\n<meta charset=\"utf-8\" />\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\" />\n")
	for i := range 30 {
		fmt.Fprintf(&b, "<link rel=\"stylesheet\" type=\"text/css\" href=\"../_static/style%d.css?v=5b4f5d2e\" />\n", i)
	}
	b.WriteString("<script src=\"../_static/documentation_options.js?v=a4b1fc7c\"></script>\n")
	b.WriteString("<title>5. Data Structures &#8212; Python 3.13.5 documentation</title>\n")
	for range 2000 {
		b.WriteString("<p>This chapter describes some things you&#8217;ve learned about already in more detail.</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

func BenchmarkExtract(b *testing.B) {
	page := docPage()
	b.ReportAllocs()
	for b.Loop() {
		x, err := Extract(bytes.NewReader(page), "text/html; charset=utf-8", Limits{})
		if err != nil || !strings.HasPrefix(x.Title, "5. Data") {
			b.Fatal(x.Title, err)
		}
	}
}

func BenchmarkExtractGuessGBK(b *testing.B) {
	page := readPage(b, "zh-gbk-undeclared.html")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(bytes.NewReader(page), "", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetch measures a whole fetch from a server on 127.0.0.1, 64
// at once over kept-alive connections: client and server share the CPU.
func BenchmarkFetch(b *testing.B) {
	page := docPage()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	f := New(Config{})
	b.SetParallelism(32) // 32 × GOMAXPROCS requests in flight
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
