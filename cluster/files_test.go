package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// A file put in a run's store reaches the run's worker whole, through
// engine.FilesFrom, and is deleted once its task's result is stored: the
// upload does not outlive its task.
func TestFilesReachTheWorkerAndGo(t *testing.T) {
	url := startServer(t)
	size := def("size", func(ctx context.Context, n int) (int, error) {
		name := "f" + strconv.Itoa(n)
		files, ok := engine.FilesFrom(ctx)
		if !ok {
			return 0, errors.New("no files")
		}
		r, err := files.Open(ctx, name)
		if err != nil {
			return 0, err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		return len(b), err
	})
	startWorker(t, url, jobs(size), Config{})
	c, err := Dial(context.Background(), url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 3<<20+5) // several chunks
	rand.Read(data)
	ctx := context.Background()
	if err := c.Files().Put(ctx, "f1", opener(data)); err != nil {
		t.Fatal(err)
	}
	n, err := remote(t, c, size)(ctx, 1)
	if err != nil || n != len(data) {
		t.Fatalf("the worker read %d bytes (%v), want %d", n, err, len(data))
	}
	// The worker deletes it once the result is stored: just after.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, err := c.Files().Open(ctx, "f1")
		if errors.Is(err, ErrNoFile) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5s after the result: %v, want ErrNoFile", err)
		}
	}
	if _, err := remote(t, c, size)(ctx, 2); err == nil {
		t.Error("a file never put was read")
	}
	// Another run's files are not this run's.
	other, err := Dial(ctx, url, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Files().Put(ctx, "f3", opener([]byte("secret"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Files().Open(ctx, "f3"); !errors.Is(err, ErrNoFile) {
		t.Errorf("run %s read run %s's file: %v", c.Run(), other.Run(), err)
	}
}

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}
