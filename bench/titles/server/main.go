// Command server is the page server of bench/titles: it serves a corpus of
// HTML pages from memory on 127.0.0.1 with an added latency, and the fault
// URLs that fanout titles must classify. It prints its base URL on stdout
// and serves until killed.
//
// The corpus is described by a manifest, one page per line:
// URL-path<TAB>file<TAB>Content-Type. Fault URLs live under /fault/.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

type page struct {
	body        []byte
	contentType string
}

func main() {
	manifest := flag.String("manifest", "manifest.tsv", "corpus manifest: URL-path, file, Content-Type")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only)")
	latency := flag.Duration("latency", 0, "added latency before each response")
	flag.Parse()

	pages, err := load(*manifest)
	if err != nil {
		log.Fatal(err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("-addr %s: only a loopback address is allowed", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	registerFaults(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		sleep(r, *latency)
		w.Header().Set("Content-Type", p.contentType)
		w.Header().Set("Content-Length", fmt.Sprint(len(p.body)))
		w.Write(p.body)
	})
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

func load(manifest string) (map[string]page, error) {
	f, err := os.Open(manifest)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pages := make(map[string]page)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s: bad line %q", manifest, sc.Text())
		}
		body, err := os.ReadFile(fields[1])
		if err != nil {
			return nil, err
		}
		pages[fields[0]] = page{body, fields[2]}
	}
	return pages, sc.Err()
}

// sleep waits d, or less if the client goes away.
func sleep(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func registerFaults(mux *http.ServeMux) {
	html := func(w http.ResponseWriter, s string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, s)
	}
	mux.HandleFunc("/fault/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/fault/500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	})
	var flaky atomic.Int64
	mux.HandleFunc("/fault/503-once", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		html(w, "<title>Served on the second try</title>")
	})
	mux.HandleFunc("/fault/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	mux.HandleFunc("/fault/stall", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<!doctype html><html><head>")
		w.(http.Flusher).Flush()
		sleep(r, 10*time.Minute)
	})
	mux.HandleFunc("/fault/chain/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/fault/chain/"), "%d", &n)
		if n <= 0 {
			html(w, "<title>End of the redirect chain</title>")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/fault/chain/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/fault/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/fault/loop-b", http.StatusFound) })
	mux.HandleFunc("/fault/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/fault/loop-a", http.StatusFound) })
	mux.HandleFunc("/fault/big50", func(w http.ResponseWriter, r *http.Request) {
		const size = 50 << 20
		chunk := bytes.Repeat([]byte("<div class=filler>0123456789 abcdefghij</div>\n"), 1400)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(size))
		w.Write([]byte("<!doctype html><html><head>"))
		for sent := 27; sent < size; {
			n := min(len(chunk), size-sent)
			if _, err := w.Write(chunk[:n]); err != nil {
				return
			}
			sent += n
		}
	})
	lateTitle := "<!doctype html><html><head>" +
		strings.Repeat("<link rel=\"preload\" href=\"/static/asset.js\" as=\"script\">\n", (1<<20)/55) +
		"<title>Title after one megabyte</title></head><body></body></html>"
	mux.HandleFunc("/fault/late-title", func(w http.ResponseWriter, r *http.Request) { html(w, lateTitle) })
	mux.HandleFunc("/fault/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"))
	})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<!doctype html><html><head><title>Never seen</title></head></html>"))
	zw.Close()
	broken := gz.Bytes()
	broken[len(broken)/2] ^= 0xFF // corrupt the deflate stream
	broken[len(broken)-6] ^= 0xFF // and the checksum
	mux.HandleFunc("/fault/broken-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(broken)
	})
	mux.HandleFunc("/fault/no-title", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<!doctype html><html><head></head><body><p>no title</p></body></html>")
	})
}
