package title

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/text/transform"
)

// Default limits of Extract and Fetch.
const (
	DefaultMaxBytes = 2 << 20 // bytes of body read per page at most
	DefaultMaxTitle = 1024    // runes of title kept at most
)

// Bounds on memory that do not need tuning. The tokenizer's buffer holds
// one token, so it is bounded by the byte cap; the text of <script> and
// the like, the usual long tokens, is skipped with a small one (rawTextBuf).
const (
	maxRawTitle  = 64 << 10 // raw title bytes kept before decoding
	guessReadMax = 16 << 10 // extra bytes read to guess an undeclared charset
)

// Limits bound what Extract reads. The zero value means the defaults.
type Limits struct {
	MaxBytes int64 // bytes of body read at most; 0 means DefaultMaxBytes
	MaxTitle int   // runes of title kept; 0 means DefaultMaxTitle
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxTitle <= 0 {
		l.MaxTitle = DefaultMaxTitle
	}
	return l
}

// Extracted is what Extract found in a page.
type Extracted struct {
	Title     string  // the title: decoded, whitespace collapsed, valid UTF-8
	Charset   Charset // the encoding the title was decoded with
	BytesRead int64   // bytes of the page read
}

// Extract reads an HTML page from r until the end of its first <title>
// outside <svg>, and returns the title decoded to UTF-8. contentType is the
// page's Content-Type header ("" if none); it may name the charset.
//
// It returns errNoTitle (class no_title) when the page ends without a
// title, errEmptyTitle (class no_title too) when the title is empty or all
// white space, errTooLarge (class body_too_large) when lim.MaxBytes were
// read first, and r's own error when reading fails before </title>: text
// read before a failure is no title, since a broken compressed stream
// yields garbage up to its error. A title cut by the end of the page or by
// the byte cap is kept. Extract never reads more than lim.MaxBytes from r.
func Extract(r io.Reader, contentType string, lim Limits) (Extracted, error) {
	lim = lim.withDefaults()
	cr := &capReader{r: r, max: lim.MaxBytes}
	var pre [3]byte
	n, err := io.ReadFull(cr, pre[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Extracted{BytesRead: cr.n}, err
	}
	skip := 0
	var declared Charset
	if c, k, ok := bomCharset(pre[:n]); ok {
		declared, skip = c, k
	} else if c, ok := headerCharset(contentType); ok {
		declared = c
	}
	src := io.MultiReader(bytes.NewReader(pre[skip:n]), cr)
	decoded := strings.HasPrefix(declared.Name, "utf-16")
	if decoded { // not ASCII-compatible: decode before tokenizing
		src = transform.NewReader(src, declared.Encoding.NewDecoder())
	}

	s := scan(&stream{r: src})
	out := Extracted{BytesRead: cr.n}
	switch {
	case !s.found && s.err == io.EOF:
		return out, errNoTitle
	case errors.Is(s.err, errTooLarge):
		if !s.found {
			return out, fmt.Errorf("%w (%d bytes)", errTooLarge, lim.MaxBytes)
		}
	case !s.found:
		return out, s.err
	case !s.closed && s.err != io.EOF:
		return out, fmt.Errorf("the page broke off inside the <title>: %w", s.err)
	}

	cs := declared
	if cs.Encoding == nil {
		// The standard's prescan looks at the first 1,024 bytes, even
		// past </title>: read up to there.
		if cr.headLen < prescanLen {
			_, _ = io.CopyN(io.Discard, cr, int64(prescanLen-cr.headLen))
		}
		var ok bool
		if cs, ok = prescan(cr.head[:cr.headLen]); !ok {
			cs, ok = s.meta, s.metaOK
		}
		if !ok {
			cs = guessFor(s.raw, cr, s.z)
		}
	}
	out.Charset = cs
	out.BytesRead = cr.n
	text := s.raw
	if !decoded {
		text, _ = cs.Encoding.NewDecoder().Bytes(s.raw)
	}
	out.Title = clean(text, lim.MaxTitle)
	if out.Title == "" {
		return out, errEmptyTitle
	}
	return out, nil
}

// scanned is what scan found.
type scanned struct {
	raw    []byte  // the title's raw text, entities not yet decoded
	found  bool    // a <title> outside <svg> was seen
	closed bool    // and its end tag
	meta   Charset // the first <meta> charset declaration before it ends
	metaOK bool
	z      *html.Tokenizer // the tokenizer that read the last token
	err    error           // what ended the scan before </title>; io.EOF at the end
}

// scan runs a tokenizer on in up to the end of the first <title> outside
// <svg>, or to the end of the input or the first error. The text of a raw
// text element that outgrows rawTextBuf is skipped (skipRawText) and a new
// tokenizer goes on after it.
func scan(in *stream) scanned {
	s := scanned{z: html.NewTokenizer(in)}
	svg, inTitle := 0, false
	raw := "" // the element whose raw text the next token is, if skippable
	for {
		tt := s.z.Next()
		if raw != "" {
			// Only a token cut by the buffer (ErrBufferExceeded, reported
			// on the next call) is this long. It began where the raw text
			// does: Raw and Buffered are all the tokenizer read from there.
			if tt == html.TextToken && len(s.z.Raw()) >= rawTextBuf {
				in.unread(s.z.Raw(), s.z.Buffered())
				if err := skipRawText(in, raw); err != nil {
					s.err = err
					return s
				}
				s.z, raw = html.NewTokenizer(in), ""
				continue
			}
			s.z.SetMaxBuf(0)
			raw = ""
		}
		switch tt {
		case html.ErrorToken:
			s.err = s.z.Err()
			return s
		case html.TextToken:
			if inTitle && len(s.raw) < maxRawTitle {
				s.raw = append(s.raw, s.z.Raw()...)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := s.z.TagName()
			switch string(name) {
			case "svg":
				if tt == html.StartTagToken {
					svg++
				}
			case "title":
				// <title/> is a start tag in HTML: its text follows.
				if svg == 0 {
					inTitle, s.found = true, true
				}
			case "meta":
				if hasAttr && !s.metaOK && svg == 0 {
					s.meta, s.metaOK = metaCharset(s.z)
				}
			}
			// The tokenizer reads the text after such a tag, even
			// <script/>, as raw text.
			if raw = skippable(name); raw != "" {
				s.z.SetMaxBuf(rawTextBuf)
			}
		case html.EndTagToken:
			name, _ := s.z.TagName()
			switch string(name) {
			case "svg":
				if svg > 0 {
					svg--
				}
			case "title":
				if inTitle {
					s.closed = true
					return s
				}
			}
		}
	}
}

// guessFor picks the charset of an undeclared page from its title and, if
// the title is not plain UTF-8, from more of the page.
func guessFor(raw []byte, cr *capReader, z *html.Tokenizer) Charset {
	if validUTF8Prefix(raw) {
		return guess(raw)
	}
	sample := make([]byte, 0, cr.headLen+len(raw)+guessReadMax)
	sample = append(sample, cr.head[:cr.headLen]...)
	sample = append(sample, raw...)
	sample = append(sample, z.Buffered()...)
	if room := cap(sample) - len(sample); room > 0 {
		n, _ := io.ReadFull(cr, sample[len(sample):cap(sample)])
		sample = sample[:len(sample)+n]
	}
	return guess(sample)
}

// clean decodes entities, replaces NUL and invalid bytes, collapses ASCII
// whitespace as document.title does, and keeps at most max runes.
func clean(text []byte, max int) string {
	s := html.UnescapeString(string(text))
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for _, f := range strings.FieldsFunc(s, isASCIISpace) {
		if n > 0 {
			b.WriteByte(' ')
			n++
		}
		for _, r := range f {
			if n >= max {
				return b.String()
			}
			b.WriteRune(r)
			n++
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func isASCIISpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
}

// capReader reads at most max bytes, keeping a copy of the first
// prescanLen, and then fails with errTooLarge.
type capReader struct {
	r       io.Reader
	n, max  int64
	head    [prescanLen]byte
	headLen int
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n >= c.max {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.max-c.n {
		p = p[:c.max-c.n]
	}
	n, err := c.r.Read(p)
	if c.headLen < prescanLen {
		c.headLen += copy(c.head[c.headLen:], p[:n])
	}
	c.n += int64(n)
	return n, err
}
