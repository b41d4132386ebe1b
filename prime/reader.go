package prime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
)

// ChunkBytes is the size a Reader aims at for one Chunk: about 3,000
// numbers below 2^64 a chunk.
const ChunkBytes = 64 << 10

// Reader cuts a stream of lines into Chunks without reading it whole. Its
// zero value is not usable: make one with NewReader.
type Reader struct {
	src    io.Reader
	source string
	size   int // bytes a chunk aims at
	buf    []byte
	r, w   int  // unread bytes are buf[r:w]
	eof    bool // src is exhausted
	line   int  // number of the next line, from 1
	begun  bool // the first chunk was cut
	err    error
}

// bom is the UTF-8 byte order mark some editors (Windows Notepad) write at
// the start of a text file; it is skipped there.
var bom = []byte("\xef\xbb\xbf")

// NewReader returns a Reader of src; source names it in error lines.
func NewReader(src io.Reader, source string) *Reader {
	return NewReaderSize(src, source, ChunkBytes)
}

// NewReaderSize is NewReader with chunks of about size bytes (at least
// ChunkBytes): bigger chunks spread the cost of a task over more numbers,
// as on a cluster, where each task is a message.
func NewReaderSize(src io.Reader, source string, size int) *Reader {
	size = max(size, ChunkBytes)
	return &Reader{src: src, source: source, size: size, buf: make([]byte, 2*size), line: 1}
}

// Err returns the first read error, once All's sequence has ended.
func (r *Reader) Err() error { return r.err }

// All yields the input as Chunks of whole lines, about the Reader's size each. A
// line longer than ChunkBytes is not kept: it comes as a Chunk of its own
// whose Text holds its start and whose Long holds its length. A read error
// ends the sequence and is kept for Err.
func (r *Reader) All() iter.Seq[Chunk] {
	return func(yield func(Chunk) bool) {
		for {
			c, ok := r.next()
			if !ok || !yield(c) {
				return
			}
		}
	}
}

// fill reads until ChunkBytes bytes are buffered or the input ends, or
// until a small read (input that comes slowly, typed or from a slow
// producer) leaves whole lines to work on: they are answered now instead
// of when the chunk is full.
func (r *Reader) fill() {
	if r.r > 0 && r.w-r.r < r.size {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	for !r.eof && r.w-r.r < r.size {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if errors.Is(err, io.EOF) {
			r.eof = true
		} else if err != nil {
			if pe, ok := err.(*fs.PathError); ok {
				err = pe.Err // the path is r.source already
			}
			r.err = fmt.Errorf("read %s: %w", r.source, err)
			r.eof = true
			// The bytes after the last newline are a line cut short by
			// the failed read (or by Ctrl-C), not a line: drop them.
			r.w = r.r + bytes.LastIndexByte(r.buf[r.r:r.w], '\n') + 1
		}
		if n < smallRead && bytes.IndexByte(r.buf[r.r:r.w], '\n') >= 0 {
			return
		}
	}
}

// smallRead is the size under which a read says that the input is not
// keeping up with us.
const smallRead = 512

func (r *Reader) next() (Chunk, bool) {
	r.fill()
	if !r.begun {
		r.begun = true
		if bytes.HasPrefix(r.buf[r.r:r.w], bom) {
			r.r += len(bom)
		}
	}
	data := r.buf[r.r:r.w]
	if len(data) == 0 {
		return Chunk{}, false
	}
	window := data[:min(len(data), r.size)]
	cut := bytes.LastIndexByte(window, '\n') + 1
	if cut == 0 && r.eof && len(data) <= r.size {
		cut = len(data) // the last line, without its '\n'
	}
	if cut == 0 {
		return r.longLine(), true
	}
	text := string(data[:cut])
	if text[len(text)-1] != '\n' {
		text += "\n"
	}
	c := Chunk{Source: r.source, First: r.line, Text: text}
	r.line += bytes.Count(data[:cut], []byte{'\n'})
	if data[cut-1] != '\n' {
		r.line++
	}
	r.r += cut
	return c, true
}

// longLine skips a line longer than ChunkBytes, keeping its start.
func (r *Reader) longLine() Chunk {
	head := string(r.buf[r.r : r.r+quoteLimit*2])
	c := Chunk{Source: r.source, First: r.line, Text: head + "\n"}
	var n int64
	for {
		data := r.buf[r.r:r.w]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			n += int64(i)
			r.r += i + 1
			break
		}
		n += int64(len(data))
		r.r = r.w
		if r.eof {
			break
		}
		r.fill()
	}
	c.Long = n
	r.line++
	return c
}

// ArgsChunk makes one Chunk of command-line arguments, one per line. A
// newline inside an argument becomes a space, so that it stays one
// (invalid) line.
func ArgsChunk(args []string) Chunk {
	var b bytes.Buffer
	for _, a := range args {
		b.WriteString(string(bytes.ReplaceAll([]byte(a), []byte{'\n'}, []byte{' '})))
		b.WriteByte('\n')
	}
	return Chunk{Source: "argument", First: 1, Text: b.String()}
}
