package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// namedReader is one input of a command that reads lines: a file named
// with -f, or stdin.
type namedReader struct {
	name string
	r    io.Reader
}

// openInputs opens the files named with -f ("-" is stdin). A file that
// cannot be opened is like any item that fails: it is named on stderr with
// the reason, the others are read, and the run ends with status 1 (see
// inputsFailed). It is not a mistake in the command line. The returned
// function closes the files.
func openInputs(g *Globals, names []string) (readers []namedReader, failed int, closeAll func()) {
	var files []*os.File
	for _, name := range names {
		if name == "-" {
			readers = append(readers, namedReader{"stdin", g.Stdin})
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the name comes first already
			}
			g.Warnf("%s: %v", name, err)
			failed++
			continue
		}
		files = append(files, f)
		readers = append(readers, namedReader{name, f})
	}
	return readers, failed, func() {
		for _, f := range files {
			f.Close()
		}
	}
}

// inputSize is the total size in bytes of readers when every one of them
// is a regular file (stdin too, when it is one), or 0 when it cannot be
// known (a pipe, a terminal).
func inputSize(readers []namedReader) int64 {
	var n int64
	for _, nr := range readers {
		r := nr.r
		if c, ok := r.(*ctxReader); ok {
			r = c.r
		}
		f, ok := r.(*os.File)
		if !ok {
			return 0
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return 0
		}
		n += st.Size()
	}
	return n
}

// inputsFailed is the error of a run some of whose input files could not
// be opened: err if the run failed for another reason too, else status 1.
// A run of only such files is no "empty input" (status 2) either.
func inputsFailed(err error, failed int) error {
	var usage *UsageError
	if failed == 0 || (err != nil && !errors.As(err, &usage)) {
		return err
	}
	return errReported{&FailedError{Failed: failed, Total: failed, Noun: "input files"}}
}
