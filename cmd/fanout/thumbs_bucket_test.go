package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/s3store"
	"github.com/fanout-dev/fanout/internal/s3store/s3test"
)

// bucketTree returns the objects of bk under prefix, by name relative to it.
func bucketTree(t *testing.T, bk *s3store.Store, prefix string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for in, err := range bk.List(context.Background(), prefix, true) {
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := bk.Open(context.Background(), in.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(in.Name, prefix)] = b
	}
	return files
}

// TestThumbsBucket makes thumbnails of photos in an S3 bucket (a server
// in this test process, on 127.0.0.1) through a broker and two workers
// that share nothing with the submitter but the bucket: the thumbnails in
// the bucket are byte-identical to a local run's files, the lines printed
// are the local run's, and a second run skips every photo. A run without
// --nats reads and writes the bucket itself.
func TestThumbsBucket(t *testing.T) {
	srv := s3test.Start(t, "photos")
	loc := s3store.Location{Bucket: "photos", Prefix: "lib/", Endpoint: srv.Endpoint}
	bk, err := s3store.Open(loc)
	if err != nil {
		t.Fatal(err)
	}
	local := t.TempDir()
	if err := os.CopyFS(filepath.Join(local, "photos"), os.DirFS("../../testdata/images")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(local, "photos"))
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(local, "photos", e.Name()))
		if err := bk.Put(context.Background(), "photos/"+e.Name(), b, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	want, _, code := fanoutIn(t, local, "thumbs", "-o", "thumbs", "photos")
	if code != 0 {
		t.Fatalf("local run: exit %d", code)
	}

	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr, "--store", t.TempDir())
	waitListen(t, addr)
	url := "nats://" + addr
	o := newOutsider(t) // the workers get the credentials from their environment, as the submitter does
	o.worker(t, url)
	o.worker(t, url)
	elsewhere := t.TempDir()
	args := []string{"thumbs", "--nats", url, "--store", loc.String(), "-o", "thumbs", "photos"}
	got, stderr, code := fanoutIn(t, elsewhere, args...)
	if code != 0 || sortLines(got) != sortLines(want) {
		t.Fatalf("bucket run: exit %d, stdout %q, stderr %q; want the local lines %q", code, got, stderr, want)
	}
	sameTree(t, bucketTree(t, bk, "thumbs/"), tree(t, filepath.Join(local, "thumbs")))
	if files, _ := os.ReadDir(elsewhere); len(files) != 0 {
		t.Errorf("the submitter wrote %d files of its own", len(files))
	}

	_, stderr, code = fanoutIn(t, elsewhere, args...)
	made := strings.Count(want, "\n")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d of them up to date, skipped", made)) {
		t.Errorf("second run: exit %d, stderr %q; want all %d skipped", code, stderr, made)
	}
	t.Logf("second run: %s", stderr)

	// Without --nats, this machine reads and writes the bucket itself.
	if _, stderr, code := fanoutIn(t, elsewhere, "thumbs", "--store", loc.String(), "-o", "here", "photos"); code != 0 {
		t.Fatalf("local run on the bucket: exit %d, stderr %q", code, stderr)
	}
	sameTree(t, bucketTree(t, bk, "here/"), tree(t, filepath.Join(local, "thumbs")))

	_, stderr, code = fanoutIn(t, elsewhere, "thumbs", "--nats", url, "--store", loc.String(), "-o", "thumbs", "nothing-here")
	if code == 0 || !strings.Contains(stderr, "nothing-here") {
		t.Errorf("a name with no object: exit %d, stderr %q; want a failure naming it", code, stderr)
	}
}
