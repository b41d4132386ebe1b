package thumb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, readFile(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func planItems(t *testing.T, s Settings, paths ...string) []Item {
	t.Helper()
	pl := prepare(t, s, paths)
	if len(pl.Problems) > 0 || len(pl.Collisions) > 0 {
		t.Fatalf("plan: problems %v, collisions %v", pl.Problems, pl.Collisions)
	}
	return pl.Items
}

// A re-run skips thumbnails newer than their source without touching
// them; a newer source or Force makes them again.
func TestRunIncremental(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in", "ladybird.jpg")
	copyFile(t, filepath.Join(samples, "ladybird.jpg"), src)
	out := filepath.Join(dir, "out")
	items := planItems(t, Settings{OutDir: out}, filepath.Join(dir, "in"))
	run := newRun(t, Settings{})
	ctx := context.Background()

	d, err := run(ctx, items[0])
	if err != nil || d.Skipped || len(d.Thumbs) != 3 {
		t.Fatalf("first run: %+v, %v", d, err)
	}
	old := time.Now().Add(-time.Hour)
	for _, o := range items[0].Outs {
		if err := os.Chtimes(o, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(src, old.Add(-time.Hour), old.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, err = run(ctx, items[0])
	if err != nil || !d.Skipped || len(d.Thumbs) != len(items[0].Outs) || d.Thumbs[0].Width == 0 {
		t.Fatalf("re-run: %+v, %v; want skipped, naming its thumbnails and their sizes", d, err)
	}
	for _, o := range items[0].Outs {
		if st, _ := os.Stat(o); !st.ModTime().Equal(old) {
			t.Errorf("%s was rewritten by a re-run", o)
		}
	}
	// A source newer than its thumbnails is made again.
	if err := os.Chtimes(src, time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if d, err = run(ctx, items[0]); err != nil || d.Skipped {
		t.Errorf("after the source changed: %+v, %v; want made", d, err)
	}
	// Force remakes up-to-date thumbnails.
	if d, err = newRun(t, Settings{Force: true})(ctx, items[0]); err != nil || d.Skipped {
		t.Errorf("with Force: %+v, %v; want made", d, err)
	}
	// A missing thumbnail is made even when the others are up to date.
	os.Remove(items[0].Outs[1])
	if d, err = run(ctx, items[0]); err != nil || d.Skipped {
		t.Errorf("one thumbnail missing: %+v, %v; want made", d, err)
	}
	assertNoTemp(t, out)
}

// newRun builds the function of Job for s.
func newRun(t *testing.T, s Settings) engine.Func[Item, Done] {
	t.Helper()
	j, err := Job.Job(s)
	if err != nil {
		t.Fatal(err)
	}
	return j.Run
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}

// A failing item leaves no output and no temporary file; a cancelled run
// writes nothing.
func TestRunFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join("testdata", "bad", "truncated-png.png"), filepath.Join(dir, "in", "t.png"))
	copyFile(t, filepath.Join(samples, "wood.jpg"), filepath.Join(dir, "in", "wood.jpg"))
	out := filepath.Join(dir, "out")
	items := planItems(t, Settings{OutDir: out}, filepath.Join(dir, "in"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, it := range items {
		if _, err := newRun(t, Settings{})(ctx, it); err == nil {
			t.Errorf("%s: no error from a cancelled run", it.Src)
		}
	}
	for _, it := range items {
		_, err := newRun(t, Settings{})(context.Background(), it)
		if (err != nil) != strings.HasSuffix(it.Src, "t.png") {
			t.Errorf("%s: error %v", it.Src, err)
		}
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 3 {
		t.Errorf("output holds %d files, want the 3 thumbnails of wood.jpg", len(ents))
	}
	assertNoTemp(t, out)
}

// Unreadable inputs fail with the reason: a dangling symbolic link, and a
// file without read permission (unless running as root, who reads all).
func TestRunUnreadable(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "gone.jpg")
	if err := os.Symlink(filepath.Join(dir, "nowhere.jpg"), link); err != nil {
		t.Fatal(err)
	}
	_, err := newRun(t, Settings{})(context.Background(), Item{Src: link, Outs: []string{filepath.Join(dir, "o.png")}})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("dangling link: %v", err)
	}
	if os.Geteuid() == 0 {
		return
	}
	locked := filepath.Join(dir, "locked.jpg")
	copyFile(t, filepath.Join(samples, "wood.jpg"), locked)
	os.Chmod(locked, 0)
	_, err = newRun(t, Settings{})(context.Background(), Item{Src: locked, Outs: []string{filepath.Join(dir, "o.png")}})
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("unreadable file: %v", err)
	}
}
