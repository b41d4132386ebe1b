package cluster

import (
	"bytes"
	"strconv"
	"strings"
)

// A result larger than one message is sent in parts, each with the header
// Fanout-Part "i/n"; the submitter joins them. partHeadroom is left in each
// message for headers.
const partHeadroom = 16 << 10

// split cuts data into parts of at most size bytes; data that fits is one
// part.
func split(data []byte, size int) [][]byte {
	if len(data) <= size || size <= 0 {
		return [][]byte{data}
	}
	var parts [][]byte
	for len(data) > 0 {
		n := min(size, len(data))
		parts = append(parts, data[:n])
		data = data[n:]
	}
	return parts
}

func joinParts(parts [][]byte) []byte { return bytes.Join(parts, nil) }

func formatPart(i, n int) string { return strconv.Itoa(i) + "/" + strconv.Itoa(n) }

// parsePart reads "i/n"; ok is false for anything else.
func parsePart(s string) (i, n int, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || n > 1<<20 || i < 0 || i >= n {
		return 0, 0, false
	}
	return i, n, true
}
