package thumb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/s3store"
	"github.com/fanout-dev/fanout/internal/s3store/s3test"
)

// bucketWith starts an S3 server whose bucket "photos" holds, under the
// prefix "lib/", the given objects (name → bytes), and returns the store
// URL of that prefix and a Store for looking at it.
func bucketWith(t *testing.T, objects map[string][]byte) (string, *s3store.Store) {
	t.Helper()
	srv := s3test.Start(t, "photos")
	loc := s3store.Location{Bucket: "photos", Prefix: "lib/", Endpoint: srv.Endpoint}
	bk, err := s3store.Open(loc)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range objects {
		if err := bk.Put(context.Background(), name, b, "application/octet-stream", nil); err != nil {
			t.Fatal(err)
		}
	}
	return loc.String(), bk
}

func getObject(t *testing.T, bk *s3store.Store, name string) ([]byte, s3store.Info) {
	t.Helper()
	r, in, err := bk.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b, in
}

// A run over a bucket makes the very files a local run makes, skips them
// on the next run, and remakes exactly the one whose source changed.
func TestBucketMatchesLocal(t *testing.T) {
	names := []string{"ladybird.jpg", "two-wings-palette.png", "disc-alpha.webp"}
	objects := map[string][]byte{}
	dir := t.TempDir()
	for _, n := range names {
		objects["in/"+n] = readFile(t, filepath.Join(samples, n))
		copyFile(t, filepath.Join(samples, n), filepath.Join(dir, "in", n))
	}
	store, bk := bucketWith(t, objects)
	local := planItems(t, Settings{OutDir: filepath.Join(dir, "out")}, filepath.Join(dir, "in"))
	runLocal := newRun(t, Settings{OutDir: filepath.Join(dir, "out")})
	for _, it := range local {
		if _, err := runLocal(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}

	s := Settings{Store: store, OutDir: "out", Index: true}
	plan, err := PrepareBucket(context.Background(), s, []string{"in"})
	if err != nil || len(plan.Problems) != 0 || len(plan.Items) != 3 {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	run := newRun(t, s)
	for _, it := range plan.Items {
		d, err := run(context.Background(), it)
		if err != nil || d.Skipped || len(d.Thumbs) != 3 {
			t.Fatalf("%s: %+v, %v", it.Src, d, err)
		}
		plan.Record(it)
	}
	if err := plan.Finish(); err != nil {
		t.Fatal(err)
	}
	for _, it := range local {
		for _, o := range it.Outs {
			rel, _ := filepath.Rel(dir, o)
			got, in := getObject(t, bk, filepath.ToSlash(rel))
			if want := readFile(t, o); !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes in the bucket, the local run wrote %d", rel, len(got), len(want))
			}
			if !strings.HasPrefix(in.Meta[metaStamp], "fanout") && in.Meta[metaStamp] == "" {
				t.Errorf("%s: no stamp in its metadata: %v", rel, in.Meta)
			}
		}
	}
	if page, _ := getObject(t, bk, "out/index.html"); !bytes.Contains(page, []byte(`src="ladybird_128_128.png"`)) {
		t.Errorf("the contact sheet does not show ladybird's thumbnail:\n%s", page)
	}

	for _, it := range plan.Items {
		if d, err := run(context.Background(), it); err != nil || !d.Skipped {
			t.Errorf("%s again: %+v, %v; want skipped", it.Src, d, err)
		}
	}
	// New bytes under the same name: that source alone is remade.
	changed := "in/ladybird.jpg"
	if err := bk.Put(context.Background(), changed, readFile(t, filepath.Join(samples, "yellow-flower.jpg")), "image/jpeg", nil); err != nil {
		t.Fatal(err)
	}
	for _, it := range plan.Items {
		d, err := run(context.Background(), it)
		if err != nil || d.Skipped != (it.Src != changed) {
			t.Errorf("%s after %s changed: %+v, %v", it.Src, changed, d, err)
		}
	}
	// Other settings remake everything.
	s2 := s
	s2.Format = JPEG
	plan2, err := PrepareBucket(context.Background(), s2, []string{"in"})
	if err != nil {
		t.Fatal(err)
	}
	run2 := newRun(t, s2)
	for _, it := range plan2.Items {
		if d, err := run2(context.Background(), it); err != nil || d.Skipped {
			t.Errorf("%s as JPEG: %+v, %v", it.Src, d, err)
		}
		if _, in := getObject(t, bk, it.Outs[0]); in.Size == 0 {
			t.Errorf("%s: empty", it.Outs[0])
		}
	}
}

func TestPrepareBucket(t *testing.T) {
	jpg := readFile(t, filepath.Join(samples, "ladybird.jpg"))
	store, _ := bucketWith(t, map[string][]byte{
		"a.jpg":              jpg,
		"b.png":              jpg,
		"notes.txt":          []byte("x"),
		".hidden.jpg":        jpg,
		"sub/c.jpg":          jpg,
		"sub/deep/d.jpg":     jpg,
		"sub/.cache/e.jpg":   jpg,
		"thumbs/a_32_32.png": jpg,
	})
	plan := func(s Settings, args ...string) *Plan {
		t.Helper()
		s.Store = store
		p, err := PrepareBucket(context.Background(), s, args)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	srcs := func(p *Plan) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Src)
		}
		slices.Sort(out)
		return out
	}
	p := plan(Settings{OutDir: "thumbs", Include: []string{"*.jpg", "*.png"}}, ".")
	if got, want := srcs(p), []string{"a.jpg", "b.png"}; !slices.Equal(got, want) || p.SkippedFolders != 1 {
		t.Errorf("top level: %q, %d folders left out; want %q and 1 (sub; thumbs is the output folder)", got, p.SkippedFolders, want)
	}
	p = plan(Settings{OutDir: "thumbs", Recursive: true, Exclude: []string{"*.txt", "*.png"}}, ".")
	if got, want := srcs(p), []string{"a.jpg", "sub/c.jpg", "sub/deep/d.jpg"}; !slices.Equal(got, want) {
		t.Errorf("-r: %q, want %q", got, want)
	}
	for _, it := range p.Items {
		if it.Src == "sub/deep/d.jpg" && it.Outs[0] != "thumbs/sub/deep/d_32_32.png" {
			t.Errorf("-r mirrors the tree: %s goes to %q", it.Src, it.Outs[0])
		}
	}
	p = plan(Settings{}, "sub/*.jpg", "missing.jpg", "nothing/", "zz*.jpg", "a.jpg")
	if got, want := srcs(p), []string{"a.jpg", "sub/c.jpg"}; !slices.Equal(got, want) {
		t.Errorf("patterns and names: %q, want %q", got, want)
	}
	var probs []string
	for _, pr := range p.Problems {
		probs = append(probs, pr.Path)
		if pr.Path == "zz*.jpg" && !errors.Is(pr.Err, ErrNoMatch) || pr.Path == "missing.jpg" && !errors.Is(pr.Err, fs.ErrNotExist) {
			t.Errorf("%s: %v", pr.Path, pr.Err)
		}
	}
	if want := []string{"missing.jpg", "nothing", "zz*.jpg"}; !slices.Equal(probs, want) {
		t.Errorf("problems %q, want %q", probs, want)
	}
	if _, err := PrepareBucket(context.Background(), Settings{Store: store, OutDir: "thumbs"}, []string{"thumbs"}); err == nil {
		t.Error("the output folder was taken as a source folder")
	}
	if _, err := PrepareBucket(context.Background(), Settings{Store: store, OutDir: "../x"}, []string{"."}); err == nil {
		t.Error("an output folder outside the prefix was accepted")
	}
}

// A bucket that cannot be reached is an error of the whole plan, at once.
func TestPrepareBucketUnreachable(t *testing.T) {
	start := time.Now()
	_, err := PrepareBucket(context.Background(), Settings{Store: "s3://photos?endpoint=http://127.0.0.1:9"}, []string{"."})
	if err == nil || !strings.Contains(err.Error(), "s3://photos/") {
		t.Fatalf("err = %v, want one naming the bucket", err)
	}
	t.Logf("%v after %v", err, time.Since(start))
}
