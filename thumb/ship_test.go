package thumb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// memFiles is a run's file store in memory: Uploads for Shipped and
// engine.Files for the job on the "worker".
type memFiles struct {
	mu      sync.Mutex
	files   map[string][]byte
	puts    int
	deleted int
	onPut   func() // called once a file is in, before Put returns
	// failFirst makes Put start over once, as after a lost connection.
	failFirst bool
}

func (m *memFiles) Put(ctx context.Context, name string, open func() (io.ReadCloser, error)) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	if m.failFirst { // a lost connection: start over
		m.failFirst = false
		io.CopyN(io.Discard, r, 1000)
		if r, err = open(); err != nil {
			return err
		}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[name] = b
	m.puts++
	m.mu.Unlock()
	if m.onPut != nil {
		m.onPut()
	}
	return nil
}

func (m *memFiles) Delete(ctx context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[name]; ok {
		m.deleted++
	}
	delete(m.files, name)
	return nil
}

func (m *memFiles) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.files[name]
	if !ok {
		return nil, os.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// shippedRun is Shipped over a job that runs "elsewhere": with only the
// uploaded files, its source paths made unreadable to it.
func shippedRun(t *testing.T, s Settings, files *memFiles) engine.Func[Item, Done] {
	remote := newRun(t, s)
	return Shipped(s, files, func(ctx context.Context, it Item) (Done, error) {
		if it.Object == "" {
			t.Errorf("%s: sent without an upload", it.Src)
		}
		it.Src = "/nonexistent/" + filepath.Base(it.Src) // the worker cannot see it
		return remote(engine.WithFiles(ctx, files), it)
	})
}

// Thumbnails made from an upload are the very bytes a local run writes;
// the upload is deleted after; a second run skips them without uploading.
func TestShippedMatchesLocal(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"ladybird.jpg", "two-wings-palette.png", "disc-alpha.webp"} {
		copyFile(t, filepath.Join(samples, name), filepath.Join(dir, "in", name))
	}
	s := Settings{OutDir: filepath.Join(dir, "local")}
	local := planItems(t, s, filepath.Join(dir, "in"))
	run := newRun(t, s)
	for _, it := range local {
		if _, err := run(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	rs := Settings{OutDir: filepath.Join(dir, "remote")}
	items := planItems(t, rs, filepath.Join(dir, "in"))
	files := &memFiles{failFirst: true}
	ship := shippedRun(t, rs, files)
	for i, it := range items {
		d, err := ship(context.Background(), it)
		if err != nil || d.Skipped || len(d.Thumbs) != 3 || d.Data != nil {
			t.Fatalf("%s: %+v, %v", it.Src, d, err)
		}
		for j, o := range it.Outs {
			if got, want := readFile(t, o), readFile(t, local[i].Outs[j]); !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes, the local run wrote %d", o, len(got), len(want))
			}
			if d.Thumbs[j].Path != o || d.Thumbs[j].Width == 0 {
				t.Errorf("%s: reported as %+v", o, d.Thumbs[j])
			}
		}
	}
	if files.puts != 3 || files.deleted != 3 || len(files.files) != 0 {
		t.Errorf("%d uploads, %d deleted, %d left; want 3, 3, 0", files.puts, files.deleted, len(files.files))
	}
	for _, it := range items {
		if d, err := ship(context.Background(), it); err != nil || !d.Skipped {
			t.Errorf("%s again: %+v, %v; want skipped", it.Src, d, err)
		}
	}
	if files.puts != 3 {
		t.Errorf("%d uploads after the second run: up-to-date sources were uploaded", files.puts)
	}
}

// What is no image, or too large by its header, is refused here, and
// never uploaded.
func TestShippedRefusesBeforeUpload(t *testing.T) {
	dir := t.TempDir()
	notImage := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(notImage, bytes.Repeat([]byte("not a photo "), 10000), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "bomb.png")
	if err := os.WriteFile(huge, tinyPNG(100000, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	files := &memFiles{}
	ship := shippedRun(t, Settings{}, files)
	for src, want := range map[string]error{notImage: ErrNotImage, huge: ErrTooLarge} {
		it := Item{Src: src, Outs: []string{src + ".1.png", src + ".2.png", src + ".3.png"}}
		if _, err := ship(context.Background(), it); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", src, err, want)
		}
	}
	if files.puts != 0 {
		t.Errorf("%d uploads of files that are no usable image", files.puts)
	}
}

// A source rewritten while its thumbnails are made elsewhere is reported,
// and nothing is written.
func TestShippedSourceChanged(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in", "ladybird.jpg")
	copyFile(t, filepath.Join(samples, "ladybird.jpg"), src)
	s := Settings{OutDir: filepath.Join(dir, "out")}
	it := planItems(t, s, src)[0]
	files := &memFiles{onPut: func() {
		later := time.Now().Add(time.Minute)
		if err := os.Chtimes(src, later, later); err != nil {
			t.Error(err)
		}
	}}
	_, err := shippedRun(t, s, files)(context.Background(), it)
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("got %v, want ErrChanged", err)
	}
	for _, o := range it.Outs {
		if _, err := os.Stat(o); err == nil {
			t.Errorf("%s was written", o)
		}
	}
	if len(files.files) != 0 {
		t.Errorf("the upload was left behind")
	}
}

// Save writes each thumbnail once: saved again with the same bytes (by
// fanout wait, after its submitter), a file is left as it is; damaged
// bytes are refused and not written.
func TestSave(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "ladybird.jpg")
	copyFile(t, filepath.Join(samples, "ladybird.jpg"), src)
	it := Item{Src: src, Outs: []string{filepath.Join(dir, "a", "t.png")}, Object: "1", Size: int64(len(readFile(t, src)))}
	files := &memFiles{}
	if err := files.Put(context.Background(), "1", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(readFile(t, src))), nil }); err != nil {
		t.Fatal(err)
	}
	s := Settings{Sizes: []Box{{64, 64}}}
	d, err := newRun(t, s)(engine.WithFiles(context.Background(), files), it)
	if err != nil || len(d.Data) != 1 {
		t.Fatalf("%+v, %v", d, err)
	}
	if _, err := Save(it, d); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(it.Outs[0], old, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(it.Outs[0])
	if _, err := Save(it, d); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(it.Outs[0]); !after.ModTime().Equal(before.ModTime()) || !os.SameFile(before, after) {
		t.Errorf("saved twice, the thumbnail was written twice")
	}
	d.Data[0] = d.Data[0][:20]
	os.Remove(it.Outs[0])
	if _, err := Save(it, d); err == nil {
		t.Error("damaged thumbnail saved")
	}
	if _, err := os.Stat(it.Outs[0]); err == nil {
		t.Error("damaged thumbnail written")
	}
}

// A job given an upload without files to read it from says so.
func TestShippedNeedsFiles(t *testing.T) {
	_, err := newRun(t, Settings{})(context.Background(), Item{Src: "a.jpg", Outs: []string{"x"}, Object: "1", Size: 10})
	if err == nil {
		t.Fatal("no error")
	}
}

// With Settings.Store, names are relative to the store's folder, and one
// that leaves it is refused before anything is read or written.
func TestStoreNames(t *testing.T) {
	root := t.TempDir()
	copyFile(t, filepath.Join(samples, "ladybird.jpg"), filepath.Join(root, "in", "ladybird.jpg"))
	run := newRun(t, Settings{Store: "file://" + root, Sizes: []Box{{32, 32}}})
	d, err := run(context.Background(), Item{Src: "in/ladybird.jpg", Outs: []string{"out/l.png"}})
	if err != nil || len(d.Thumbs) != 1 || d.Thumbs[0].Path != "out/l.png" || d.Src != "in/ladybird.jpg" {
		t.Fatalf("%+v, %v", d, err)
	}
	if _, err := os.Stat(filepath.Join(root, "out", "l.png")); err != nil {
		t.Fatal(err)
	}
	for _, it := range []Item{
		{Src: "../ladybird.jpg", Outs: []string{"out/x.png"}},
		{Src: "in/ladybird.jpg", Outs: []string{"/tmp/x.png"}},
		{Src: "in/ladybird.jpg", Outs: []string{"out/../../x.png"}},
	} {
		if _, err := run(context.Background(), it); err == nil || !strings.Contains(err.Error(), "not a name inside the store") {
			t.Errorf("%+v: %v, want refused", it, err)
		}
	}
	for _, bad := range []string{"s3://key:secret@bucket", "s3://bucket?acl=x", "file://host/x", "file://relative", "/plain/path"} {
		if err := (Settings{Store: bad}).Validate(); err == nil {
			t.Errorf("store %q accepted", bad)
		}
	}
}

// A worker fetches an upload into a temporary file of its own, which is
// gone once the thumbnails are made; without a place for one it reads the
// upload as it comes; an upload of the wrong size fails either way.
func TestShippedFetch(t *testing.T) {
	data := readFile(t, filepath.Join(samples, "ladybird.jpg"))
	files := &memFiles{files: map[string][]byte{"1": data}}
	ctx := engine.WithFiles(context.Background(), files)
	run := newRun(t, Settings{Sizes: []Box{{32, 32}}})
	item := func(size int) Item {
		return Item{Src: "ladybird.jpg", Outs: []string{"x.png"}, Object: "1", Size: int64(size)}
	}
	for _, tmp := range []string{t.TempDir(), filepath.Join(t.TempDir(), "none")} {
		t.Setenv("TMPDIR", tmp)
		d, err := run(ctx, item(len(data)))
		if err != nil || len(d.Data) != 1 {
			t.Fatalf("TMPDIR %s: %+v, %v", tmp, d, err)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("TMPDIR %s: %d files left", tmp, len(left))
		}
		for _, size := range []int{len(data) - 1, len(data) + 1} {
			if _, err := run(ctx, item(size)); err == nil || !strings.Contains(err.Error(), "the upload has") {
				t.Errorf("TMPDIR %s: an upload of %d bytes taken for %d: %v", tmp, len(data), size, err)
			}
		}
	}
}
