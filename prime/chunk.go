package prime

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
)

// Chunk is the unit of work: a run of consecutive lines of input, usually
// thousands of numbers, so that the cost of handing out a task is spread
// over many numbers. It is what a remote worker receives.
type Chunk struct {
	// Source names the input in error lines: a file name, "stdin" or
	// "argument".
	Source string `json:"source,omitempty"`
	// First is the line number of the first line, from 1.
	First int `json:"first"`
	// Text holds the lines, each ended by '\n'.
	Text string `json:"text"`
	// Long, when set, says that the chunk's single line was longer than
	// the reader keeps: Text holds only its start, and Long its length.
	Long int64 `json:"long,omitempty"`
}

// Verdict codes, one byte per line of a Chunk, in Verdicts.Codes.
const (
	CodePrime     = 'p' // an integer that is prime
	CodeComposite = 'c' // an integer that is not prime (0, 1, negatives too)
	CodeBlank     = '-' // a blank line, skipped
	CodeBad       = 'x' // not an integer: see Verdicts.Errors
)

// LineError is a line that does not hold an integer.
type LineError struct {
	Line   int    `json:"line"`   // line number, from 1
	Input  string `json:"input"`  // the line, trimmed, shortened when long
	Reason string `json:"reason"` // "not an integer" or "too long (...)"
}

// Error formats e as the command-line tool prints it on stderr.
func (e LineError) Error() string {
	return fmt.Sprintf("line %d: %q: %s", e.Line, e.Input, e.Reason)
}

// Verdicts is the outcome of Check on one Chunk.
type Verdicts struct {
	Codes   string      `json:"codes"` // one verdict code per line
	Primes  int         `json:"primes"`
	Numbers int         `json:"numbers"` // lines that held an integer
	Errors  []LineError `json:"errors,omitempty"`
}

// quoteLimit is how much of a bad line an error quotes.
const quoteLimit = 40

// Check decides every line of c: prime, composite, blank or bad. A bad line
// is recorded in Verdicts.Errors and never stops the others. Check returns
// an error only when ctx is cancelled.
func Check(ctx context.Context, c Chunk) (Verdicts, error) {
	v, _, err := check(ctx, c, nil, nil)
	return v, err
}

// CheckAppend is Check followed by AppendResults in a single pass over the
// chunk: it appends the rendered results to dst and returns it.
func CheckAppend(ctx context.Context, c Chunk, f Format, dst []byte) (Verdicts, []byte, error) {
	return check(ctx, c, &f, dst)
}

func check(ctx context.Context, c Chunk, f *Format, dst []byte) (Verdicts, []byte, error) {
	text := []byte(c.Text)
	codes := make([]byte, 0, bytes.Count(text, []byte{'\n'})+1)
	var v Verdicts
	var b big.Int
	line := c.First
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		raw := text[:i]
		text = text[min(i+1, len(text)):]
		num, err := ParseLine(raw)
		if c.Long > 0 {
			err = ErrTooLong
		}
		code := byte(CodeComposite)
		switch {
		case err != nil:
			code = CodeBad
			e := lineError(line, raw, err, c.Long)
			v.Errors = append(v.Errors, e)
			if f != nil && f.JSON && !f.PrimesOnly {
				dst = appendErrorJSON(dst, c.Source, e)
			}
		case num.Kind == Blank:
			code = CodeBlank
		case num.Kind == Small:
			if IsPrime64(num.Value) {
				code = CodePrime
			}
		case num.Kind == Big:
			if err := ctx.Err(); err != nil {
				return Verdicts{}, dst, err
			}
			b.SetString(string(num.Digits), 10)
			if IsPrimeBig(&b) {
				code = CodePrime
			}
		}
		switch code {
		case CodePrime:
			v.Primes++
			v.Numbers++
		case CodeComposite:
			v.Numbers++
		}
		if f != nil && (code == CodePrime || code == CodeComposite) {
			dst = appendVerdict(dst, num.Digits, num.Kind == Negative, code == CodePrime, *f)
		}
		codes = append(codes, code)
		line++
	}
	v.Codes = string(codes)
	return v, dst, nil
}

// indexNewline returns the index of the first '\n' in s, or len(s).
func indexNewline(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return i
		}
	}
	return len(s)
}

func lineError(line int, raw []byte, err error, long int64) LineError {
	in := string(trimSpace(raw))
	reason := err.Error()
	if err == ErrTooLong {
		n := long
		if n == 0 {
			n = int64(len(raw))
		}
		reason = fmt.Sprintf("too long (%d bytes; the limit is %d)", n, MaxLine)
	}
	if len(in) > quoteLimit || long > 0 {
		in = shorten(in, quoteLimit) + "…"
	}
	return LineError{Line: line, Input: in, Reason: reason}
}

// shorten cuts s to at most n bytes without splitting a UTF-8 sequence.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
