package title

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// seedPages adds every page under testdata/pages to a fuzz corpus.
func seedPages(f *testing.F, add func(data []byte)) {
	names, err := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
}

// FuzzExtract checks that whatever the bytes and header, Extract returns
// valid UTF-8 within the caps, with no control whitespace left, and never
// reads past its byte cap.
func FuzzExtract(f *testing.F) {
	seedPages(f, func(d []byte) { f.Add(d, "") })
	f.Add([]byte("<title>x</title>"), "text/html; charset=gbk")
	f.Add([]byte("\xff\xfe<\x00t\x00"), "text/html; charset=utf-16")
	f.Add([]byte("<svg><title>a</svg><title>b"), "")
	f.Fuzz(func(t *testing.T, page []byte, contentType string) {
		const maxBytes, maxTitle = 4096, 50
		x, err := Extract(bytes.NewReader(page), contentType, Limits{MaxBytes: maxBytes, MaxTitle: maxTitle})
		if x.BytesRead > maxBytes {
			t.Fatalf("read %d bytes, cap %d", x.BytesRead, maxBytes)
		}
		if err != nil {
			if x.Title != "" && !strings.Contains(err.Error(), "empty") {
				t.Fatalf("error %v with a title %q", err, x.Title)
			}
			return
		}
		if !utf8.ValidString(x.Title) {
			t.Fatalf("title %q is not valid UTF-8", x.Title)
		}
		if n := utf8.RuneCountInString(x.Title); n > maxTitle || n == 0 {
			t.Fatalf("title of %d runes, want 1 to %d", n, maxTitle)
		}
		if strings.ContainsAny(x.Title, "\t\n\r\f") || strings.HasPrefix(x.Title, " ") || strings.Contains(x.Title, "  ") {
			t.Fatalf("title %q has uncollapsed whitespace", x.Title)
		}
		if x.Charset.Name == "" || x.Charset.Encoding == nil {
			t.Fatalf("no charset reported for %q", x.Title)
		}
	})
}

// FuzzDetectCharset checks that charset detection always names an encoding
// whose decoding of the page is made valid UTF-8, and that a declaration in
// the header always wins over the body unless a byte order mark is present.
func FuzzDetectCharset(f *testing.F) {
	seedPages(f, func(d []byte) { f.Add(d, "") })
	f.Add([]byte("<meta charset=shift_jis>"), "text/html; charset=koi8-r")
	f.Add([]byte("\xef\xbb\xbf<meta charset=gbk>"), "")
	f.Add([]byte(`<meta http-equiv="content-type" content="text/html; charset='big5'">`), "")
	f.Fuzz(func(t *testing.T, page []byte, contentType string) {
		c := DetectCharset(page, contentType, nil)
		if c.Name == "" || c.Encoding == nil || c.Source == "" {
			t.Fatalf("DetectCharset gave %+v", c)
		}
		out, _ := c.Encoding.NewDecoder().Bytes(page)
		if s := clean(out, 1<<20); !utf8.ValidString(s) {
			t.Fatalf("decoded text is not valid UTF-8")
		}
		if _, _, bom := bomCharset(page); !bom {
			if h, ok := headerCharset(contentType); ok && h.Name != c.Name {
				t.Fatalf("header says %s, detection chose %s", h.Name, c.Name)
			}
		}
	})
}

// FuzzSkipRawText checks that the text of a <script> or <style> too long
// for the tokenizer's small buffer is skipped as the tokenizer reads it:
// the page gives the same title as when that text is short.
func FuzzSkipRawText(f *testing.F) {
	f.Add("<!--<script></script><title>F</title>--></script><title>T</title>", false)
	f.Add("a</style ><title>T</title>", true)
	f.Fuzz(func(t *testing.T, body string, style bool) {
		tag := "script"
		if style {
			tag = "style"
		}
		sameAsTokenizer(t, tag, body, rawTextBuf)
	})
}
