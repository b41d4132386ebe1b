package web

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// InputName is how a task's input is named on the page when its job has
// no Explainer: a JSON string (a URL, a path) as the text it holds, other
// input as text when it is UTF-8 (cut at 1 KiB), else its size.
func InputName(in []byte) string {
	if in == nil {
		return "(task no longer in the stream)"
	}
	var s string
	if json.Unmarshal(in, &s) == nil {
		return s
	}
	if utf8.Valid(in) {
		return cut(string(in))
	}
	return "(" + strconv.Itoa(len(in)) + " bytes of binary input)"
}
