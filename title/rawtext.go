package title

import (
	"bytes"
	"io"
)

// The text of a raw text element (<script>, <style>, ...) is one token,
// which the tokenizer holds whole in its buffer: a title after a megabyte
// of inline script would cost a megabyte. Such text is never a title, so
// the tokenizer reads it with a small buffer (rawTextBuf); if it does not
// fit, skipRawText reads it again from its start without keeping it, with
// the tokenizer's own rules, and a new tokenizer goes on from its end tag.

// rawTextBuf bounds the tokenizer's buffer for the text of a raw text
// element; longer text is skipped in constant memory.
const rawTextBuf = 32 << 10

// streamChunk is how much a stream reads at once while it skips.
const streamChunk = 16 << 10

// skippableTags are the elements whose text the tokenizer reads as raw
// text and that is never a title. <title> itself is kept, and <plaintext>
// never ends.
var skippableTags = [...]string{"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea"}

// skippable returns the name of a start tag (lower case, as TagName
// gives it) if the text after it may be skipped, else "".
func skippable(name []byte) string {
	for _, t := range skippableTags {
		if string(name) == t {
			return t
		}
	}
	return ""
}

// stream is the input of the tokenizers of one page. Bytes may be put back
// in front of it (unread), and its reader's error stays: every later read
// returns it once the bytes put back are consumed.
type stream struct {
	r   io.Reader
	buf []byte // buf[i:] are read, or put back, and not yet consumed
	i   int
	err error
}

func (s *stream) Read(p []byte) (int, error) {
	if s.i < len(s.buf) {
		n := copy(p, s.buf[s.i:])
		s.i += n
		return n, nil
	}
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// unread puts the bytes of parts, in order, in front of the stream.
func (s *stream) unread(parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n <= s.i { // room in front: the bytes were just read from buf
		s.i -= n
		at := s.i
		for _, p := range parts {
			at += copy(s.buf[at:], p)
		}
		return
	}
	n += len(s.buf) - s.i
	b := make([]byte, 0, max(n, streamChunk))
	for _, p := range parts {
		b = append(b, p...)
	}
	s.buf, s.i = append(b, s.buf[s.i:]...), 0
}

// fill reads more into buf, once all of it is consumed.
func (s *stream) fill() error {
	if s.err != nil {
		return s.err
	}
	if cap(s.buf) < streamChunk {
		s.buf = make([]byte, 0, streamChunk)
	}
	for range 100 { // as the tokenizer, give up on a reader that returns nothing
		n, err := s.r.Read(s.buf[:cap(s.buf)])
		s.buf, s.i = s.buf[:n], 0
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
	s.err = io.ErrNoProgress
	return s.err
}

func (s *stream) readByte() (byte, error) {
	if s.i == len(s.buf) {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	s.i++
	return s.buf[s.i-1], nil
}

// back gives back the byte just read (by readByte, which leaves it in buf).
func (s *stream) back() { s.i-- }

// skipPast consumes the stream up to and including the next c.
func (s *stream) skipPast(c byte) error {
	for {
		if j := bytes.IndexByte(s.buf[s.i:], c); j >= 0 {
			s.i += j + 1
			return nil
		}
		s.i = len(s.buf)
		if err := s.fill(); err != nil {
			return err
		}
	}
}

// skipRawText consumes the text of the raw text element tag (lower case)
// from s as golang.org/x/net/html's tokenizer reads it, and puts back the
// start of its end tag, "</tag" and the character after it, for the next
// tokenizer to read. An error means that the input ended (or failed)
// inside the text.
func skipRawText(s *stream, tag string) error {
	if tag == "script" {
		return skipScript(s)
	}
	for {
		if err := s.skipPast('<'); err != nil {
			return err
		}
		c, err := s.readByte()
		if err != nil {
			return err
		}
		if c != '/' {
			s.back()
			continue
		}
		ok, err := endTag(s, tag)
		if err != nil || ok {
			return err
		}
	}
}

// endTag reads the rest of "</tag" and one delimiter after "</", and
// reports whether they end the raw text; if they do, it puts them back.
// A character that does not match is given back, as the tokenizer does.
func endTag(s *stream, tag string) (bool, error) {
	for i := 0; i < len(tag); i++ {
		c, err := s.readByte()
		if err != nil {
			return false, err
		}
		if c != tag[i] && c != tag[i]-('a'-'A') {
			s.back()
			return false, nil
		}
	}
	c, err := s.readByte()
	if err != nil {
		return false, err
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		s.unread([]byte("</"+tag), []byte{c})
		return true, nil
	}
	s.back()
	return false, nil
}

// skipScript is skipRawText for <script>, whose text has escapes: after
// "<!--", "</script" still ends it, but not inside a nested "<script"
// until "</script" or "-->". It is the tokenizer's readScript, state for
// state, reading from s and keeping nothing.
func skipScript(s *stream) error {
	var c byte
	var err error
	read := func() bool {
		c, err = s.readByte()
		return err == nil
	}
	var ok bool

scriptData:
	if err = s.skipPast('<'); err != nil {
		return err
	}
	// script data less-than sign
	if !read() {
		return err
	}
	switch c {
	case '/':
		if ok, err = endTag(s, "script"); err != nil || ok {
			return err
		}
		goto scriptData
	case '!':
		goto scriptDataEscapeStart
	}
	s.back()
	goto scriptData

scriptDataEscapeStart:
	if !read() {
		return err
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	s.back()
	goto scriptData

scriptDataEscapeStartDash:
	if !read() {
		return err
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	s.back()
	goto scriptData

scriptDataEscaped:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	if !read() {
		return err
	}
	if c == '/' {
		if ok, err = endTag(s, "script"); err != nil || ok {
			return err
		}
		goto scriptDataEscaped
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		s.back()
		goto scriptDataDoubleEscapeStart
	}
	s.back()
	goto scriptData

scriptDataDoubleEscapeStart:
	for i := 0; i < len("script"); i++ {
		if !read() {
			return err
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			s.back()
			goto scriptDataEscaped
		}
	}
	if !read() {
		return err
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	s.back()
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	if !read() {
		return err
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	if !read() {
		return err
	}
	if c != '/' {
		s.back()
		goto scriptDataDoubleEscaped
	}
	// "</script" here ends the nested script, not the script: it is
	// consumed, not put back.
	for i := 0; i < len("script"); i++ {
		if !read() {
			return err
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			s.back()
			goto scriptDataDoubleEscaped
		}
	}
	if !read() {
		return err
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataEscaped
	}
	s.back()
	goto scriptDataDoubleEscaped
}
