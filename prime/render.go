package prime

import (
	"encoding/json"
	"strconv"
)

// Format says how AppendResults writes a Chunk's verdicts.
type Format struct {
	JSON       bool // one JSON object per line instead of text
	PrimesOnly bool // only the primes, as bare numbers (or objects)
}

// AppendResults appends the verdicts v on the lines of c to dst, one line
// per line of input that held an integer, in input order:
//
//	982451653 is prime: true                  (text)
//	{"n":"982451653","prime":true}            (JSON)
//	982451653                                 (text, PrimesOnly)
//
// Numbers are written in canonical form: no '+', no leading zeros. In JSON
// a bad line also yields an object, {"line":N,"input":"...","error":"..."},
// so that output lines stay aligned with the input's non-blank lines;
// text output leaves bad lines to the error stream.
func AppendResults(dst []byte, c Chunk, v Verdicts, f Format) []byte {
	text := c.Text
	nerr := 0
	for i := 0; i < len(v.Codes) && len(text) > 0; i++ {
		end := indexNewline(text)
		line := text[:end]
		text = text[min(end+1, len(text)):]
		code := v.Codes[i]
		switch {
		case code == CodeBlank:
			continue
		case code == CodeBad:
			if f.JSON && !f.PrimesOnly && nerr < len(v.Errors) {
				dst = appendErrorJSON(dst, c.Source, v.Errors[nerr])
			}
			nerr++
			continue
		case f.PrimesOnly && code != CodePrime:
			continue
		}
		n, neg := canonical(line)
		dst = appendVerdict(dst, n, neg, code == CodePrime, f)
	}
	return dst
}

// appendVerdict writes one number's line; digits are canonical, without
// the sign.
func appendVerdict[S string | []byte](dst []byte, digits S, neg, prime bool, f Format) []byte {
	switch {
	case f.PrimesOnly && !prime:
		return dst
	case f.JSON:
		dst = append(dst, `{"n":"`...)
		if neg {
			dst = append(dst, '-')
		}
		dst = append(dst, digits...)
		if prime {
			dst = append(dst, `","prime":true}`...)
		} else {
			dst = append(dst, `","prime":false}`...)
		}
	default:
		if neg {
			dst = append(dst, '-')
		}
		dst = append(dst, digits...)
		if f.PrimesOnly {
			break
		}
		if prime {
			dst = append(dst, " is prime: true"...)
		} else {
			dst = append(dst, " is prime: false"...)
		}
	}
	return append(dst, '\n')
}

// canonical returns the digits of the integer on a valid line as it is
// printed (no '+', no leading zeros) and whether it is below zero.
func canonical(line string) (string, bool) {
	i, j := 0, len(line)
	for i < j && isSpace(line[i]) {
		i++
	}
	for j > i && isSpace(line[j-1]) {
		j--
	}
	neg := false
	if i < j && (line[i] == '+' || line[i] == '-') {
		neg = line[i] == '-'
		i++
	}
	for j-i > 1 && line[i] == '0' {
		i++
	}
	s := line[i:j]
	return s, neg && s != "0"
}

func appendErrorJSON(dst []byte, source string, e LineError) []byte {
	obj := struct {
		Source string `json:"source,omitempty"`
		Line   int    `json:"line"`
		Input  string `json:"input"`
		Error  string `json:"error"`
	}{Line: e.Line, Input: e.Input, Error: e.Reason}
	if source != "stdin" && source != "argument" {
		obj.Source = source
	}
	b, err := json.Marshal(obj)
	if err != nil { // cannot happen for strings and ints
		b = []byte(`{"line":` + strconv.Itoa(e.Line) + `,"error":"unprintable"}`)
	}
	dst = append(dst, b...)
	return append(dst, '\n')
}

// AppendPrimes appends ps, one per line, as text or as JSON objects.
func AppendPrimes(dst []byte, ps []uint64, json bool) []byte {
	for _, p := range ps {
		dst = appendPrime(dst, p, json)
	}
	return dst
}

// appendPrime appends p as one line of AppendPrimes.
func appendPrime(dst []byte, p uint64, json bool) []byte {
	if json {
		dst = append(dst, `{"n":"`...)
		dst = strconv.AppendUint(dst, p, 10)
		dst = append(dst, `","prime":true}`...)
	} else {
		dst = strconv.AppendUint(dst, p, 10)
	}
	return append(dst, '\n')
}
