package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The smaller faults of thumbs, each as a user meets it.
func TestThumbsPlanFaults(t *testing.T) {
	wood := filepath.Join(thumbSamples, "wood.jpg")
	lady := filepath.Join(thumbSamples, "ladybird.jpg")

	t.Run("a read-only output is one line before any decode", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a-file")
		os.WriteFile(file, []byte("x"), 0o644)
		code, stdout, stderr := thumbsRun(t, "-q", "-o", file, wood, lady)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "cannot make the output folder") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("the output folder as the input", func(t *testing.T) {
		dir := t.TempDir()
		copyInto(t, dir, map[string]string{"w.jpg": wood})
		code, _, stderr := thumbsRun(t, "-q", "-o", dir, dir)
		if code != 2 || !strings.Contains(stderr, "is also the output folder") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a size given twice", func(t *testing.T) {
		code, _, stderr := thumbsRun(t, "-q", "-s", "64,64", "-o", t.TempDir(), wood)
		if code != 2 || !strings.Contains(stderr, "size 64x64 given twice") || strings.Contains(stderr, "collision") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("a tiny pixel limit says pixels", func(t *testing.T) {
		_, _, stderr := thumbsRun(t, "-q", "--max-pixels", "100", "-o", t.TempDir(), wood)
		if !strings.Contains(stderr, "above the limit of 100 pixels") {
			t.Errorf("stderr %q", stderr)
		}
	})
	t.Run("subfolders left out without -r are said once", func(t *testing.T) {
		dir := t.TempDir()
		copyInto(t, dir, map[string]string{"w.jpg": wood, "a/x.jpg": lady, "b/y.jpg": lady})
		code, _, stderr := thumbsRun(t, "-o", filepath.Join(t.TempDir(), "o"), dir)
		if code != 0 || !strings.Contains(stderr, "2 subfolders left out (-r walks them)") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("include, exclude, files-from -0, dry run", func(t *testing.T) {
		dir := t.TempDir()
		copyInto(t, dir, map[string]string{"w.jpg": wood, "l.jpg": lady, "skip_raw.jpg": lady, "n.png": filepath.Join(thumbSamples, "arc-transparent.png")})
		out := filepath.Join(t.TempDir(), "o")
		code, stdout, _ := thumbsRun(t, "-n", "-q", "-s", "32", "--include", "*.jpg", "--exclude", "*_raw.*", "-o", out, dir)
		want := filepath.Join(dir, "w.jpg") + " -> " + filepath.Join(out, "w_32_32.png") + "\n"
		if code != 0 || !strings.Contains(stdout, want) || strings.Count(stdout, "\n") != 2 || strings.Contains(stdout, "raw") || strings.Contains(stdout, "n.png") {
			t.Errorf("dry run: exit %d\n%s", code, stdout)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a dry run made %s", out)
		}
		list := filepath.Join(t.TempDir(), "list")
		os.WriteFile(list, []byte(filepath.Join(dir, "w.jpg")+"\x00"+filepath.Join(dir, "n.png")+"\x00"), 0o644)
		code, stdout, stderr := thumbsRun(t, "-q", "-0", "--files-from", list, "-o", out)
		if code != 0 || strings.Count(stdout, "\n") != 2 {
			t.Errorf("--files-from -0: exit %d\n%s\n%s", code, stdout, stderr)
		}
	})
}
