package title

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// bigScript is a page whose <title> comes after an inline script of more
// than 1 MB, full of decoys: a title written by the script, escaped
// "<!-- <script> </script> -->" runs, and near-miss end tags.
func bigScript(tag string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><" + tag + ">")
	b.WriteString("document.write('<title>Fake</title>'); if (a < b && c </scripty) {}\n")
	chunk := "var x = '<!-- <script> </script> --> </scr' + '</style' + '</SCRIPT' + '<title>No</title>'; // filler\n"
	for b.Len() < 1<<20+100 {
		b.WriteString(chunk)
	}
	b.WriteString("</" + strings.ToUpper(tag) + "\n><title>After the " + tag + "</title></head><body>x</body></html>")
	return b.String()
}

// A title after a megabyte of inline script or style is found, and the
// script is not held in memory to find it.
func TestExtractTitleAfterLargeRawText(t *testing.T) {
	for _, tag := range []string{"script", "style", "textarea", "noscript"} {
		page := bigScript(tag)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x, err := Extract(strings.NewReader(page), "text/html; charset=utf-8", Limits{})
		runtime.ReadMemStats(&after)
		if err != nil || x.Title != "After the "+tag {
			t.Errorf("<%s> of %d bytes: Extract = %q, %v; want the title after it", tag, len(page), x.Title, err)
			continue
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("<%s> of %d bytes: Extract allocated %d bytes; want the text skipped, not buffered", tag, len(page), alloc)
		}
	}
	// Past the byte cap it is still body_too_large.
	_, err := Extract(strings.NewReader(bigScript("script")), "", Limits{MaxBytes: 512 << 10})
	if classOfExtract(err) != ClassBodyTooLarge {
		t.Errorf("with a 512 KiB cap: %v, want body_too_large", err)
	}
}

// Other tokens of any size within the cap are read too: a comment, an
// attribute, a run of text.
func TestExtractTitleAfterLargeToken(t *testing.T) {
	big := strings.Repeat("y", 1<<20)
	for name, page := range map[string]string{
		"comment":   "<!--" + big + "--><title>T</title>",
		"attribute": `<link href="data:` + big + `"><title>T</title>`,
		"text":      "<p>" + big + "<title>T</title>",
	} {
		if x, err := Extract(strings.NewReader(page), "", Limits{}); err != nil || x.Title != "T" {
			t.Errorf("after a 1 MiB %s: %q, %v", name, x.Title, err)
		}
	}
}

// The text of a long script or style is skipped exactly as the tokenizer
// reads it: each case gives the same result as its short form, which the
// tokenizer reads whole.
func TestExtractSkipsRawTextLikeTheTokenizer(t *testing.T) {
	pad := strings.Repeat("x", 1<<20)
	for _, tc := range []struct{ tag, body, want string }{
		{"script", "a</script><title>T</title>", "T"},
		{"script", "a</SCRIPT\t><title>T</title>", "T"},
		{"script", "a</script/><title>T</title>", "T"},
		{"script", "a</scripty><title>F</title></script><title>T</title>", "T"},
		{"script", "<</script><title>T</title>", "T"},
		{"script", "<!-<title>F</title></script><title>T</title>", "T"},
		{"script", "<!--</script><title>T</title>", "T"},
		{"script", "<!--<script></script><title>F</title>--></script><title>T</title>", "T"},
		{"script", "<!--<script>--></script><title>F</title></script><title>T</title>", "F"}, // --> leaves both escapes
		{"script", "<!--<scripty></script><title>T</title>", "T"},
		{"script", "<!-- -- > - -></script><title>T</title>", "T"},
		{"script", "a</script foo <title>F</title><title>T</title>", "T"},
		{"script", "<title>F</title>", ""}, // never closed: no title
		{"style", "a</style ><title>T</title>", "T"},
		{"style", "<!--</style><title>T</title>-->", "T"},
		{"xmp", "</xmpp></xmp><title>T</title>", "T"},
		{"iframe", "<title>F</title></iframe><title>T</title>", "T"},
		{"textarea", "<title>F</title></textarea><title>T</title>", "T"},
		{"noframes", "</noframes>x<title>T</title>", "T"},
	} {
		long := "<" + tc.tag + ">" + pad + tc.body
		x, err := Extract(strings.NewReader(long), "text/html; charset=utf-8", Limits{})
		if x.Title != tc.want {
			t.Errorf("<%s>%q after 1 MiB: %q (%v), want %q", tc.tag, tc.body, x.Title, err, tc.want)
		}
		sameAsTokenizer(t, tc.tag, tc.body, len(pad))
	}
}

// sameAsTokenizer reports whether Extract gives one result for the page
// <tag>body and for the same page with the raw text padded past
// rawTextBuf, which makes it skip the text instead of tokenizing it.
func sameAsTokenizer(t *testing.T, tag, body string, pad int) {
	t.Helper()
	short := "<" + tag + ">" + body
	long := "<" + tag + ">" + strings.Repeat("x", pad) + body
	xs, errS := Extract(strings.NewReader(short), "text/html; charset=utf-8", Limits{})
	xl, errL := Extract(strings.NewReader(long), "text/html; charset=utf-8", Limits{})
	if xs.Title != xl.Title || classOfExtract(errS) != classOfExtract(errL) {
		t.Errorf("<%s>%q: tokenized %q (%v), skipped %q (%v)", tag, body, xs.Title, errS, xl.Title, errL)
	}
}

// Random bodies made of the pieces of script escapes, padded so that the
// pieces fall at every offset of the skipper's reads.
func TestSkipRawTextMatchesTokenizer(t *testing.T) {
	pieces := []string{"<", "/", "!", "-", "--", ">", " ", "\t", "x", "script", "SCRIPT", "scrip", "style",
		"</script>", "</script ", "<script>", "<!--", "-->", "</style>", "<title>A</title>", "<title>B</title>"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var b strings.Builder
		for range 1 + rng.IntN(14) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.WriteString("<title>End</title>")
		tag := "script"
		if rng.IntN(4) == 0 {
			tag = "style"
		}
		sameAsTokenizer(t, tag, b.String(), rawTextBuf+rng.IntN(2*streamChunk))
		if t.Failed() {
			return
		}
	}
}

// brokenReader yields data and then fails with err.
type brokenReader struct {
	data []byte
	err  error
}

func (b *brokenReader) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

// Text read before a failure of the stream is no title unless </title>
// came first.
func TestExtractStreamBreaksInTitle(t *testing.T) {
	broken := errors.New("stream broken")
	x, err := Extract(&brokenReader{[]byte("<html><title>Hello \x8f\xe3 garbage"), broken}, "text/html; charset=utf-8", Limits{})
	if !errors.Is(err, broken) || x.Title != "" {
		t.Errorf("broken inside the title: %q, %v; want no title and the stream's error", x.Title, err)
	}
	x, err = Extract(&brokenReader{[]byte("<html><title>Hello</title><p>garb"), broken}, "text/html; charset=utf-8", Limits{})
	if err != nil || x.Title != "Hello" {
		t.Errorf("broken after </title>: %q, %v; want the title", x.Title, err)
	}
}

// gzipStored is a gzip member holding data in one stored (uncompressed)
// deflate block that is not the last, followed by tail: the decompressor
// yields data and then fails on tail.
func gzipStored(data, tail []byte, declared int) []byte {
	b := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // header, no flags
	b = append(b, 0)                                   // BFINAL=0, BTYPE=00 (stored)
	b = binary.LittleEndian.AppendUint16(b, uint16(declared))
	b = binary.LittleEndian.AppendUint16(b, ^uint16(declared))
	b = append(b, data...)
	return append(b, tail...)
}

func TestFetchCorruptCompressedTitle(t *testing.T) {
	page := []byte("<html><head><title>Hello \x8f\xe3\x01 garbage")
	bodies := map[string][]byte{
		"truncated": gzipStored(page, nil, len(page)+1000),           // the block is cut short
		"corrupt":   gzipStored(page, []byte{0x07, 0xff}, len(page)), // BTYPE=11: invalid
		"after":     gzipStored([]byte("<title>Real</title>garb"), []byte{0x07}, len("<title>Real</title>garb")),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bodies[strings.TrimPrefix(r.URL.Path, "/")])
	}))
	defer srv.Close()
	f := New(Config{})
	for _, name := range []string{"truncated", "corrupt"} {
		p, err := f.Fetch(context.Background(), srv.URL+"/"+name)
		if ClassOf(err) != ClassDecode || p.Error != ClassDecode || p.Title != "" {
			t.Errorf("%s gzip: title %q, class %q, %v; want class decode and no title", name, p.Title, p.Error, err)
		}
	}
	if p, err := f.Fetch(context.Background(), srv.URL+"/after"); err != nil || p.Title != "Real" {
		t.Errorf("gzip broken after </title>: %q, %v; want the title", p.Title, err)
	}
}

func TestFetchEmptyTitle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/blank" {
			fmt.Fprint(w, "<html><head><title> \n\t </title></head></html>")
			return
		}
		fmt.Fprint(w, "<html><head><title></title></head></html>")
	}))
	defer srv.Close()
	for _, path := range []string{"/empty", "/blank"} {
		p, err := New(Config{}).Fetch(context.Background(), srv.URL+path)
		if ClassOf(err) != ClassNoTitle || err.Error() != "no_title: the <title> is empty" || p.Detail != "the <title> is empty" {
			t.Errorf("%s: %v (detail %q); want no_title: the <title> is empty", path, err, p.Detail)
		}
	}
}

// A fetch stopped by its caller reports the cancellation, with its cause,
// whether it was waiting for headers or reading the body.
func TestFetchCanceled(t *testing.T) {
	arrived := make(chan struct{}, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><head><title>Cut")
			w.(http.Flusher).Flush()
		}
		arrived <- struct{}{}
		select { // bounded: the client goes away first
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	cause := errors.New("the user pressed Ctrl-C")
	for _, path := range []string{"/headers", "/body"} {
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			<-arrived
			time.Sleep(20 * time.Millisecond) // the client reads what was sent
			cancel(cause)
		}()
		p, err := New(Config{}).Fetch(ctx, srv.URL+path)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, cause) || ClassOf(err) != ClassCanceled || p.Title != "" || engine.IsTransient(err) {
			t.Errorf("%s: %v (class %s, title %q); want a cancellation wrapping context.Canceled and its cause", path, err, ClassOf(err), p.Title)
		}
	}
}

func TestNormalizeSchemes(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"mailto:a@b", ""},
		{"MAILTO:someone@example.com", ""},
		{"javascript:void(0)", ""},
		{"javascript:alert(1)//", ""},
		{"tel:+1-555-0100", ""},
		{"tel:5550100", ""}, // no port is that large
		{"data:text/html,<title>x</title>", ""},
		{"about:blank", ""},
		{"ftp://example.com/", ""},
		{"file:///etc/passwd", ""},
		{"example.com/path", "https://example.com/path"},
		{"example.com:8080/path", "https://example.com:8080/path"},
		{"host:8080/path", "https://host:8080/path"},
		{"localhost:8080", "https://localhost:8080"},
		{"intranet:8443?q=1", "https://intranet:8443?q=1"},
		{"example.com:", "https://example.com:"},
		{"127.0.0.1:8080/x", "https://127.0.0.1:8080/x"},
		{"[::1]:8080", "https://[::1]:8080"},
		{"example.com/r?to=https://other.example/", "https://example.com/r?to=https://other.example/"},
		{"HTTP://example.com/A", "http://example.com/A"},
		{"https://example.com", "https://example.com"},
	} {
		got, err := Normalize(tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// A scheme other than http and https is refused before any connection:
// mailto:a@127.0.0.1:PORT must not become https://mailto:a@127.0.0.1:PORT.
func TestFetchOtherSchemeMakesNoConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, in := range []string{"mailto:a@" + addr, "javascript:x@" + addr} {
		p, err := New(Config{}).Fetch(context.Background(), in)
		if ClassOf(err) != ClassBadURL || p.Error != ClassBadURL || !strings.Contains(err.Error(), "scheme") {
			t.Errorf("%s: %v; want bad_url naming the scheme", in, err)
		}
	}
	time.Sleep(20 * time.Millisecond) // a connection would have been accepted by now
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections made for URLs of other schemes", n)
	}
}
