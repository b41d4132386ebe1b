package thumb

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func touch(t *testing.T, path string, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
}

func prepare(t *testing.T, s Settings, paths []string) *Plan {
	t.Helper()
	pl, err := Prepare(s, paths)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestPlanCollisions(t *testing.T) {
	dir := t.TempDir()
	touch(t, filepath.Join(dir, "a.jpg"), 10)
	touch(t, filepath.Join(dir, "a.png"), 10)
	touch(t, filepath.Join(dir, "b.png"), 10)
	pl := prepare(t, Settings{OutDir: filepath.Join(dir, "out")}, []string{dir})
	if len(pl.Collisions) != 1 {
		t.Fatalf("collisions %v, want one (a.jpg, a.png)", pl.Collisions)
	}
	c := pl.Collisions[0]
	if !strings.HasSuffix(c.Out, "a_32_32.png") || filepath.Base(c.SrcA) != "a.jpg" || filepath.Base(c.SrcB) != "a.png" {
		t.Errorf("collision %+v", c)
	}
	// A template with {ext} names them apart.
	pl = prepare(t, Settings{OutDir: filepath.Join(dir, "out"), Template: "{stem}.{ext}_{w}_{h}.{fmt}"}, []string{dir})
	if len(pl.Collisions) != 0 || len(pl.Items) != 3 {
		t.Errorf("with {ext}: %d items, collisions %v", len(pl.Items), pl.Collisions)
	}
	// Two boxes with the same name through a template without {w}.
	pl = prepare(t, Settings{OutDir: filepath.Join(dir, "out"), Template: "{stem}_{h}.{fmt}", Sizes: []Box{{10, 20}, {30, 20}}}, []string{filepath.Join(dir, "b.png")})
	if len(pl.Items) != 1 || len(pl.Items[0].Outs) != 1 {
		t.Errorf("same name for two boxes of one source: %+v", pl.Items)
	}
}

func TestPlanInputs(t *testing.T) {
	dir := t.TempDir()
	touch(t, filepath.Join(dir, "img", "small.jpg"), 10)
	touch(t, filepath.Join(dir, "img", "big.png"), 1000)
	touch(t, filepath.Join(dir, "img", ".hidden.jpg"), 5000)
	touch(t, filepath.Join(dir, "img", "sub", "deep.gif"), 100)
	touch(t, filepath.Join(dir, "img", "thumbnails", "old_32_32.png"), 10)
	touch(t, filepath.Join(dir, "more", "x.jpg"), 50)

	t.Run("folder", func(t *testing.T) {
		out := filepath.Join(dir, "img", "thumbnails")
		pl := prepare(t, Settings{OutDir: out}, []string{filepath.Join(dir, "img")})
		var names []string
		for _, it := range pl.Items {
			names = append(names, filepath.Base(it.Src))
		}
		if !slices.Equal(names, []string{"big.png", "small.jpg"}) {
			t.Errorf("items %v, want [big.png small.jpg]: largest first, no hidden file, no subfolder", names)
		}
	})
	t.Run("recursive mirrors the tree", func(t *testing.T) {
		out := filepath.Join(dir, "img", "thumbnails")
		pl := prepare(t, Settings{OutDir: out, Recursive: true}, []string{filepath.Join(dir, "img")})
		if len(pl.Items) != 3 {
			t.Fatalf("%d items, want 3 (the output folder left out): %+v", len(pl.Items), pl.Items)
		}
		want := filepath.Join(out, "sub", "deep_32_32.png")
		if got := pl.Items[1].Outs[0]; got != want {
			t.Errorf("deep.gif → %s, want %s", got, want)
		}
	})
	t.Run("glob and missing", func(t *testing.T) {
		pl := prepare(t, Settings{}, []string{filepath.Join(dir, "more", "*.jpg"), filepath.Join(dir, "nope.jpg"), filepath.Join(dir, "*.webp")})
		if len(pl.Items) != 1 || filepath.Base(pl.Items[0].Src) != "x.jpg" {
			t.Errorf("items %+v, want x.jpg", pl.Items)
		}
		if len(pl.Problems) != 2 {
			t.Fatalf("problems %v, want the missing file and the empty pattern", pl.Problems)
		}
		if !strings.Contains(pl.Problems[0].Err.Error(), "no such file") || !strings.Contains(pl.Problems[1].Err.Error(), "no files match") {
			t.Errorf("problems %v", pl.Problems)
		}
	})
	t.Run("same file twice", func(t *testing.T) {
		x := filepath.Join(dir, "more", "x.jpg")
		pl := prepare(t, Settings{}, []string{x, x, filepath.Join(dir, "more")})
		if len(pl.Items) != 1 || len(pl.Collisions) != 0 {
			t.Errorf("items %d, collisions %v: want one item", len(pl.Items), pl.Collisions)
		}
	})
}

func TestCheckTemplate(t *testing.T) {
	for _, ok := range []string{DefaultTemplate, "{stem}.{ext}_{w}x{h}.{fmt}", "thumb.png"} {
		if err := CheckTemplate(ok); err != nil {
			t.Errorf("CheckTemplate(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"{size}.png", "{stem", "sub/{stem}.png"} {
		if err := CheckTemplate(bad); err == nil {
			t.Errorf("CheckTemplate(%q) accepted", bad)
		}
	}
	if got := Name(DefaultTemplate, "/a/b/photo.x.jpeg", Box{64, 32}, JPEG); got != "photo.x_64_32.jpg" {
		t.Errorf("Name = %q", got)
	}
}
