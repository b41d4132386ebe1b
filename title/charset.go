package title

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// prescanLen is how much of the page a <meta> declaration is looked for
// in, as the HTML standard's prescan does.
const prescanLen = 1024

// Charset source names, reported by DetectCharset.
const (
	SourceBOM     = "bom"          // a byte order mark
	SourceHeader  = "content-type" // the charset parameter of Content-Type
	SourceMeta    = "meta"         // <meta charset> or http-equiv
	SourceUTF8    = "utf-8"        // undeclared, but valid UTF-8
	SourceGuess   = "guess"        // undeclared: a statistical guess
	SourceDefault = "default"      // nothing else applied: windows-1252
)

// Charset is an encoding chosen for a page and why.
type Charset struct {
	Name     string            // the encoding's canonical name, e.g. "gbk"
	Source   string            // one of the Source constants
	Encoding encoding.Encoding // the decoder to use
}

// bomCharset returns the encoding named by a byte order mark at the start
// of head, and the length of the mark.
func bomCharset(head []byte) (Charset, int, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return Charset{"utf-8", SourceBOM, unicode.UTF8}, 3, true
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return Charset{"utf-16be", SourceBOM, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}, 2, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return Charset{"utf-16le", SourceBOM, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}, 2, true
	}
	return Charset{}, 0, false
}

// headerCharset returns the encoding named by the charset parameter of a
// Content-Type header value.
func headerCharset(contentType string) (Charset, bool) {
	if contentType == "" {
		return Charset{}, false
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return Charset{}, false
	}
	return lookup(params["charset"], SourceHeader)
}

// lookup resolves an encoding label with the WHATWG table.
func lookup(label, source string) (Charset, bool) {
	label = strings.TrimSpace(label)
	if label == "" {
		return Charset{}, false
	}
	e, name := charset.Lookup(label)
	if e == nil {
		return Charset{}, false
	}
	return Charset{name, source, e}, true
}

// metaCharset returns the encoding declared by one <meta> tag whose
// attributes the tokenizer is positioned on, per the HTML prescan rules:
// charset="..." or http-equiv="content-type" with content="...;charset=...".
// A declared UTF-16 means UTF-8, since the page was read as ASCII-compatible.
func metaCharset(z *html.Tokenizer) (Charset, bool) {
	var cs, content string
	var httpEquiv bool
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "charset":
			if cs == "" {
				cs = string(v)
			}
		case "http-equiv":
			httpEquiv = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
		case "content":
			if content == "" {
				content = string(v)
			}
		}
		if !more {
			break
		}
	}
	if cs == "" && httpEquiv {
		cs = charsetFromContent(content)
	}
	c, ok := lookup(cs, SourceMeta)
	if ok && strings.HasPrefix(c.Name, "utf-16") {
		c = Charset{"utf-8", SourceMeta, unicode.UTF8}
	}
	if ok && c.Name == "x-user-defined" {
		c = Charset{"windows-1252", SourceMeta, charmap.Windows1252}
	}
	return c, ok
}

// charsetFromContent extracts the charset from a meta content attribute,
// e.g. "text/html; charset=gbk".
func charsetFromContent(content string) string {
	i := strings.Index(strings.ToLower(content), "charset")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(content[i+len("charset"):], " \t\n\f\r")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\n\f\r")
	if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
		if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 {
			return rest[1 : 1+j]
		}
		return ""
	}
	if j := strings.IndexAny(rest, " \t\n\f\r;"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// prescan looks for a <meta> charset declaration in head, which should be
// the first 1,024 bytes of the page.
func prescan(head []byte) (Charset, bool) {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return Charset{}, false
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if hasAttr && string(name) == "meta" {
				if c, ok := metaCharset(z); ok {
					return c, true
				}
			}
		}
	}
}

// guessable are the encodings a statistical guess may choose: the legacy
// encodings still common on the web. Others (EBCDIC, ISO-2022) are too
// rare to risk a wrong guess on.
var guessable = map[string]bool{
	"GB18030": true, "Shift_JIS": true, "EUC-JP": true, "EUC-KR": true, "Big5": true,
	"windows-1251": true, "KOI8-R": true, "ISO-8859-5": true,
	"ISO-8859-1": true, "windows-1252": true, "ISO-8859-2": true, "ISO-8859-7": true,
	"ISO-8859-9": true, "windows-1256": true, "ISO-8859-6": true, "ISO-8859-8": true,
}

// guess picks an encoding for undeclared bytes: UTF-8 when sample is valid
// UTF-8, else the best statistical match among the guessable encodings,
// else windows-1252.
func guess(sample []byte) Charset {
	if validUTF8Prefix(sample) {
		return Charset{"utf-8", SourceUTF8, unicode.UTF8}
	}
	if all, err := chardet.NewTextDetector().DetectAll(nonASCIIWords(sample)); err == nil {
		for _, r := range all {
			if !guessable[r.Charset] {
				continue
			}
			if c, ok := lookup(r.Charset, SourceGuess); ok {
				return c
			}
		}
	}
	return Charset{"windows-1252", SourceDefault, charmap.Windows1252}
}

// nonASCIIWords returns the words of b (split at ASCII spaces and tag
// brackets) that hold a byte outside ASCII, joined by spaces. The detector
// then weighs the text that needs decoding, not the English of markup,
// scripts and code around it, which would make any page look Latin-1.
func nonASCIIWords(b []byte) []byte {
	out := make([]byte, 0, len(b)/2)
	start, high := 0, false
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] <= ' ' || b[i] == '<' || b[i] == '>' {
			if high {
				out = append(out, b[start:i]...)
				out = append(out, ' ')
			}
			start, high = i+1, false
			continue
		}
		if b[i] >= 0x80 {
			high = true
		}
	}
	return out
}

// validUTF8Prefix reports whether b is valid UTF-8, forgiving a rune cut
// off at the end (a sample may stop mid-rune).
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return !utf8.FullRune(b[i:]) && utf8.Valid(b[:i])
		}
	}
	return false
}

// DetectCharset chooses the encoding of a page from its first bytes (head,
// ideally at least 1,024 of them), its Content-Type header, and sample, the
// undeclared text to guess from (head is used when sample is nil). The order
// is the HTML standard's: byte order mark, header, <meta>, then a guess.
func DetectCharset(head []byte, contentType string, sample []byte) Charset {
	if c, _, ok := bomCharset(head); ok {
		return c
	}
	if c, ok := headerCharset(contentType); ok {
		return c
	}
	if c, ok := prescan(head[:min(len(head), prescanLen)]); ok {
		return c
	}
	if sample == nil {
		sample = head
	}
	return guess(sample)
}
