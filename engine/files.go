package engine

import (
	"context"
	"io"
)

// Files is a store of named files that a runner offers the jobs it runs,
// for inputs that are not on the machine running them: a cluster worker
// offers the files a submitter uploaded for the run. A job gets it with
// FilesFrom.
type Files interface {
	// Open opens the file called name for reading; the caller closes
	// it. Reads end when ctx does.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
}

type filesKey struct{}

// WithFiles returns a copy of ctx that carries f, for the job functions
// called with it.
func WithFiles(ctx context.Context, f Files) context.Context {
	return context.WithValue(ctx, filesKey{}, f)
}

// FilesFrom returns the Files that ctx carries, if any.
func FilesFrom(ctx context.Context) (Files, bool) {
	f, ok := ctx.Value(filesKey{}).(Files)
	return f, ok && f != nil
}
