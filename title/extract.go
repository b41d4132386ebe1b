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

// Bounds on memory that do not need tuning.
const (
	maxTokenBuf  = 512 << 10 // the tokenizer's buffer: the largest single token
	maxRawTitle  = 64 << 10  // raw title bytes kept before decoding
	guessReadMax = 16 << 10  // extra bytes read to guess an undeclared charset
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
// It returns an error wrapping errNoTitle (class no_title) when the page
// ends without a title or with an empty one, errTooLarge (class
// body_too_large) when lim.MaxBytes were read first, and r's own error when
// reading fails. Extract never reads more than lim.MaxBytes from r.
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

	z := html.NewTokenizer(src)
	z.SetMaxBuf(maxTokenBuf)
	s := scan(z)
	out := Extracted{BytesRead: cr.n}
	if !s.found {
		switch err := z.Err(); {
		case err == io.EOF:
			return out, errNoTitle
		case errors.Is(err, errTooLarge):
			return out, fmt.Errorf("%w (%d bytes)", errTooLarge, lim.MaxBytes)
		case errors.Is(err, html.ErrBufferExceeded):
			return out, fmt.Errorf("%w: a single token exceeds %d bytes", errTooLarge, maxTokenBuf)
		default:
			return out, err
		}
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
			cs = guessFor(s.raw, cr, z)
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
		return out, fmt.Errorf("%w: the <title> is empty", errNoTitle)
	}
	return out, nil
}

// scanned is what scan found.
type scanned struct {
	raw    []byte  // the title's raw text, entities not yet decoded
	found  bool    // a <title> outside <svg> was seen
	meta   Charset // the first <meta> charset declaration before it ends
	metaOK bool
}

// scan runs the tokenizer up to the end of the first <title> outside <svg>,
// or to the end of the input or the first error.
func scan(z *html.Tokenizer) scanned {
	var s scanned
	svg, inTitle := 0, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return s
		case html.TextToken:
			if inTitle && len(s.raw) < maxRawTitle {
				s.raw = append(s.raw, z.Raw()...)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "svg":
				if tt == html.StartTagToken {
					svg++
				}
			case "title":
				if svg == 0 && tt == html.StartTagToken {
					inTitle, s.found = true, true
				}
				if svg == 0 && tt == html.SelfClosingTagToken {
					// <title/> is a start tag in HTML: its text follows.
					inTitle, s.found = true, true
				}
			case "meta":
				if hasAttr && !s.metaOK && svg == 0 {
					s.meta, s.metaOK = metaCharset(z)
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "svg":
				if svg > 0 {
					svg--
				}
			case "title":
				if inTitle {
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
