package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestRunPage(t *testing.T) {
	r := NewRun(Info{Job: "titles", Noun: "URLs", Total: 2000, Classes: true,
		Settings: []Setting{{"--per-host", "8"}}})
	r.OK(1200)
	r.Fail("https://a.example/x", "dns", "dns: no such host", 3)
	r.Fail("https://b.example/y", "timeout", "timeout: 10s", 1)
	s := newTestServer(t, Config{}, r)
	for _, path := range []string{"/", "/runs/local"} {
		rec := get(t, s.Handler(), path)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		page := rec.Body.String()
		mustContain(t, page,
			`<title>fanout titles: running</title>`,
			`data-field="done">1,202<`, `data-field="total">2,000<`, `data-field="failed">2<`,
			`data-field="percent">60.1%<`, `<progress id="bar" max="2000" value="1202">`,
			`<th>--per-host</th><td>8</td>`,
			`<option value="dns">dns (1)</option>`, `https://a.example/x`, `dns: no such host`,
			`<svg id="timeline"`, `<rect x="0"`, `data-events="/runs/local/events"`,
			`<script src="/static/app.js" defer></script>`)
		if h := rec.Header().Get("Content-Security-Policy"); !strings.Contains(h, "script-src 'self'") || strings.Contains(h, "unsafe-inline") {
			t.Errorf("CSP %q", h)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	r.Finish(StateFinished, 0)
	mustContain(t, get(t, s.Handler(), "/").Body.String(), `data-field="state">finished<`, `data-final="true"`, `data-field="eta">–<`)
	if rec := get(t, s.Handler(), "/runs/nope"); rec.Code != 404 {
		t.Errorf("an unknown run: %d", rec.Code)
	}
}

func TestStaticAssets(t *testing.T) {
	s := newTestServer(t, Config{}, NewRun(Info{Job: "primes"}))
	for path, ctype := range map[string]string{
		"/static/app.js":    "text/javascript; charset=utf-8",
		"/static/style.css": "text/css; charset=utf-8",
		"/static/icon.svg":  "image/svg+xml",
	} {
		rec := get(t, s.Handler(), path)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != ctype || rec.Body.Len() < 100 {
			t.Errorf("%s: %d %q, %d bytes", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	if rec := get(t, s.Handler(), "/static/../doc.go"); rec.Code == 200 {
		t.Errorf("a path out of the assets answers 200")
	}
}

func TestFailureFilterPages(t *testing.T) {
	r := NewRun(Info{Job: "titles", Classes: true})
	for i := range 120 {
		class := []string{"dns", "connect"}[i%2]
		r.Fail(fmt.Sprintf("https://site%03d.example/", i), class, class+": failed", 1)
	}
	s := newTestServer(t, Config{}, r)
	page := get(t, s.Handler(), "/runs/local?class=connect&page=2").Body.String()
	mustContain(t, page, `<option value="connect" selected>connect (60)</option>`,
		`<span data-fail="matches">60</span> matching, page <span data-fail="page">2</span> of <span data-fail="pages">2</span>`,
		`https://site101.example/`, `href="/runs/local?class=connect" rel="prev"`)
	if strings.Contains(page, "site100.example") || strings.Contains(page, `rel="next"`) {
		t.Errorf("page 2 of class connect holds a dns failure or a next link")
	}
	page = get(t, s.Handler(), "/runs/local?q=SITE11").Body.String()
	mustContain(t, page, `<span data-fail="matches">10</span>`, `value="SITE11"`, `site119.example`)
	if strings.Contains(page, "site100.example") {
		t.Errorf("search for site11 shows site100")
	}

	rec := get(t, s.Handler(), "/runs/local/failures.json?class=dns&q=site0&page=1")
	var fp FailurePage
	if err := json.Unmarshal(rec.Body.Bytes(), &fp); err != nil || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("failures.json: %v %q", err, rec.Body)
	}
	if fp.Matches != 50 || len(fp.Rows) != 50 || fp.Rows[0].Item != "https://site000.example/" || fp.Rows[0].Class != "dns" || fp.Pages != 1 {
		t.Errorf("failures.json: %d matches, %d rows, first %+v", fp.Matches, len(fp.Rows), fp.Rows[0])
	}
}

func TestHostileNamesEscaped(t *testing.T) {
	r := NewRun(Info{Job: "titles", Classes: true, Settings: []Setting{{"--name", hostile[0]}}})
	for _, h := range hostile {
		r.Fail(h, "bad_url", "reason "+h, 1)
	}
	s := newTestServer(t, Config{}, r)
	page := get(t, s.Handler(), "/").Body.String()
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d <script elements, want only the page's own", n)
	}
	for _, bad := range []string{"<img", "<h1>x", "onerror=alert(1)>", `' onmouseover='`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	mustContain(t, page, `&lt;script&gt;alert(1)&lt;/script&gt;`, `&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`,
		`images/&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;x&lt;/h1&gt;.png`)
	searched := get(t, s.Handler(), "/?q="+url.QueryEscape(`"><script>`)).Body.String()
	mustContain(t, searched, `value="&#34;&gt;&lt;script&gt;"`, `<span data-fail="matches">0</span>`)
	if strings.Count(searched, "<script") != 1 {
		t.Errorf("a hostile search text is echoed as markup")
	}
	js := get(t, s.Handler(), "/runs/local/failures.json").Body.String()
	if strings.ContainsAny(js, "<>") {
		t.Errorf("failures.json holds raw markup: %s", js)
	}
	var fp FailurePage
	if err := json.Unmarshal([]byte(js), &fp); err != nil || fp.Rows[0].Item != hostile[0] {
		t.Errorf("failures.json does not give the names back as text: %v %+v", err, fp.Rows)
	}
}

func TestLoopbackHostOnly(t *testing.T) {
	s := newTestServer(t, Config{}, NewRun(Info{Job: "primes"}))
	for host, code := range map[string]int{"127.0.0.1:8080": 200, "localhost:8080": 200, "[::1]:8080": 200, "evil.example:8080": 403, "10.0.0.1": 403} {
		if rec := get(t, s.Handler(), "/", "Host", host); rec.Code != code {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, code)
		}
	}
}
