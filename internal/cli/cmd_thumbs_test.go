package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/lcms"
)

var thumbSamples = filepath.Join("..", "..", "testdata", "images")

func thumbsRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code = Execute(ctx, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append([]string{"thumbs"}, args...))
	return code, out.String(), errb.String()
}

func copyInto(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for dst, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, dst)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The README's main command on the shipped samples: every image gets its
// three thumbnails, named as the seed named them, and the run exits 0.
func TestThumbsSamples(t *testing.T) {
	out := filepath.Join(t.TempDir(), "thumbnails")
	code, stdout, stderr := thumbsRun(t, "-o", out, "--index", thumbSamples)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	ents, _ := os.ReadDir(thumbSamples)
	for _, e := range ents {
		stem := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		for _, s := range []string{"32_32", "64_64", "128_128"} {
			if _, err := os.Stat(filepath.Join(out, stem+"_"+s+".png")); err != nil {
				t.Errorf("%s: %v", e.Name(), err)
			}
		}
	}
	if n := strings.Count(stdout, "\n"); n != len(ents) {
		t.Errorf("%d lines on stdout for %d images", n, len(ents))
	}
	f, err := os.Open(filepath.Join(out, "chart-exif6_128_128.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 80 || cfg.Height != 128 {
		t.Errorf("EXIF-rotated thumbnail %dx%d (%v), want upright 80x128", cfg.Width, cfg.Height, err)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || strings.Count(string(page), "<figure>") != len(ents) || !strings.Contains(string(page), `src="ladybird_128_128.png"`) {
		t.Errorf("index.html: %v\n%.500s", err, page)
	}
}

// Bad files get one line each, the rest are made, and the run exits 1.
func TestThumbsBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join("..", "..", "thumb", "testdata", "bad")
	copyInto(t, filepath.Join(dir, "in"), map[string]string{
		"good.jpg":      filepath.Join(thumbSamples, "ladybird.jpg"),
		"empty.jpg":     filepath.Join(bad, "empty.jpg"),
		"notes.jpg":     filepath.Join(bad, "notes.jpg"),
		"cut.jpg":       filepath.Join(bad, "truncated-jpeg.jpg"),
		"cut-png.png":   filepath.Join(bad, "truncated-png.png"),
		"bomb.png":      filepath.Join(bad, "bomb.png"),
		"really-png.jp": filepath.Join(thumbSamples, "png-named-as.jpg"),
	})
	out := filepath.Join(dir, "out")
	code, _, stderr := thumbsRun(t, "-o", out, filepath.Join(dir, "in"), filepath.Join(dir, "missing.jpg"))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	for _, want := range []string{
		"empty.jpg: empty file",
		"notes.jpg: not an image",
		"cut.jpg: decode jpeg",
		"cut-png.png: decode png",
		"bomb.png: image too large: 30000×30000 is 900.0 MP, above the limit of 100.0 MP",
		"missing.jpg: no such file or directory",
		"8 images: 2 ok, 6 failed", // the missing path counts too
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, made := range []string{"good_128_128.png", "really-png_32_32.png"} {
		if _, err := os.Stat(filepath.Join(out, made)); err != nil {
			t.Error(err)
		}
	}
}

// A path that does not exist fails the run even when the others succeed.
func TestThumbsMissingPath(t *testing.T) {
	code, _, stderr := thumbsRun(t, "-o", t.TempDir(), filepath.Join(thumbSamples, "wood.jpg"), "no-such-file.jpg")
	if code != 1 || !strings.Contains(stderr, "no-such-file.jpg: no such file or directory") {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
}

// A missing path alone is a failed input too (status 1), not an empty one.
func TestThumbsOnlyAMissingPath(t *testing.T) {
	code, _, stderr := thumbsRun(t, "-o", t.TempDir(), "no-such-file.jpg")
	if code != 1 || !strings.Contains(stderr, "no-such-file.jpg: no such file or directory") || strings.Contains(stderr, "fanout help") {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
}

func TestThumbsNoImages(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		setup func() []string
		want  string
	}{
		{"empty folder", func() []string { return []string{dir} }, "no images: no files found"},
		{"pattern matching nothing", func() []string { return []string{filepath.Join(dir, "*.jpg")} }, "no images"},
		{"only text files", func() []string {
			sub := filepath.Join(dir, "text")
			os.MkdirAll(sub, 0o755)
			os.WriteFile(filepath.Join(sub, "a.txt"), []byte("hello"), 0o644)
			os.WriteFile(filepath.Join(sub, "b.jpg"), []byte("not a jpeg"), 0o644)
			return []string{sub}
		}, "no images: none of the 2 files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := thumbsRun(t, append([]string{"-o", filepath.Join(dir, "out")}, tt.setup()...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 with %q\n%s", code, tt.want, stderr)
			}
		})
	}
}

// a.jpg and a.png would both write a_32_32.png: reported before any work,
// nothing written, exit 2.
func TestThumbsCollision(t *testing.T) {
	dir := t.TempDir()
	copyInto(t, filepath.Join(dir, "in"), map[string]string{
		"a.jpg": filepath.Join(thumbSamples, "ladybird.jpg"),
		"a.png": filepath.Join(thumbSamples, "arc-transparent.png"),
		"b.jpg": filepath.Join(thumbSamples, "wood.jpg"),
	})
	out := filepath.Join(dir, "out")
	code, _, stderr := thumbsRun(t, "-o", out, filepath.Join(dir, "in"))
	if code != 2 || !strings.Contains(stderr, "a.png: same thumbnail names as") || !strings.Contains(stderr, "nothing was done") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output folder created despite the collision: %v", err)
	}
	code, _, stderr = thumbsRun(t, "-o", out, "--name", "{stem}.{ext}_{w}_{h}.{fmt}", filepath.Join(dir, "in"))
	if code != 0 {
		t.Fatalf("with --name: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "a.png_64_64.png")); err != nil {
		t.Error(err)
	}
}

// A second run finds everything up to date and writes nothing.
func TestThumbsIncremental(t *testing.T) {
	dir := t.TempDir()
	copyInto(t, filepath.Join(dir, "in"), map[string]string{
		"a.jpg":     filepath.Join(thumbSamples, "ladybird.jpg"),
		"sub/b.png": filepath.Join(thumbSamples, "arc-transparent.png"),
	})
	out := filepath.Join(dir, "out")
	if code, _, stderr := thumbsRun(t, "-r", "-o", out, filepath.Join(dir, "in")); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	sub := filepath.Join(out, "sub", "b_128_128.png")
	old := time.Now().Add(-time.Minute).Truncate(time.Second)
	os.Chtimes(sub, old, old)
	os.Chtimes(filepath.Join(dir, "in", "sub", "b.png"), old.Add(-time.Minute), old.Add(-time.Minute))
	code, stdout, stderr := thumbsRun(t, "-r", "--json", "-o", out, filepath.Join(dir, "in"))
	if code != 0 || !strings.Contains(stderr, "2 of them up to date") {
		t.Fatalf("re-run: exit %d\n%s", code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var d struct {
			Src     string
			Skipped bool
			Thumbs  []struct {
				Path          string
				Width, Height int
			}
		}
		if err := json.Unmarshal([]byte(line), &d); err != nil || !d.Skipped {
			t.Errorf("re-run did work: %s (%v)", line, err)
		}
		// A skipped image still names its thumbnails, with their sizes.
		if len(d.Thumbs) != 3 || d.Thumbs[2].Width != 128 || !strings.HasSuffix(d.Thumbs[2].Path, "_128_128.png") {
			t.Errorf("skipped %s: thumbs %+v, want its 3 outputs", d.Src, d.Thumbs)
		}
	}
	if st, _ := os.Stat(sub); !st.ModTime().Equal(old) {
		t.Errorf("%s rewritten by the re-run", sub)
	}
	code, _, stderr = thumbsRun(t, "-r", "--force", "-o", out, filepath.Join(dir, "in"))
	if st, _ := os.Stat(sub); code != 0 || st.ModTime().Equal(old) {
		t.Errorf("--force did not remake %s (exit %d)\n%s", sub, code, stderr)
	}
}

func TestThumbsFlags(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(thumbSamples, "ladybird.jpg")
	for _, args := range [][]string{
		{"-s", "0", src}, {"-s", "12x", src}, {"--format", "gif", src}, {"--quality", "0", "--format", "jpeg", src},
		{"--name", "{size}.png", src}, {"--max-pixels", "0", src}, {"--memory", "10", src},
	} {
		if code, _, stderr := thumbsRun(t, append([]string{"-o", dir}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
	code, stdout, stderr := thumbsRun(t, "-o", dir, "-s", "100x30,50", "--format", "jpeg", "--quality", "70", src)
	if code != 0 || !strings.Contains(stdout, "48x30 50x31") {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "ladybird_100_30.jpg")); err != nil {
		t.Error(err)
	}
}

// A name with a newline or a tab is quoted in text output, so that one
// item stays one line; JSON needs no quoting of its own.
func TestThumbsQuotesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(thumbSamples, "wood.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "new\nline\tx.jpg")
	if err := os.WriteFile(odd, src, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad\nname.jpg")
	if err := os.WriteFile(bad, []byte("not a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := thumbsRun(t, "-q", "-o", filepath.Join(dir, "out"), odd, bad)
	if code != 1 || strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(stdout, strconv.Quote(odd)+": ") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, strconv.Quote(bad)+": ") {
		t.Errorf("stderr %q: want one line naming %q", stderr, bad)
	}
}

// A folder holding a named pipe, /dev/zero (as a link), an image whose
// header claims 10^10 pixels (with no pixel limit) and good files: one
// line per bad item, every good thumbnail, exit 1, in seconds.
func TestThumbsHostileFolder(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	copyInto(t, in, map[string]string{"wood.jpg": filepath.Join(thumbSamples, "wood.jpg"), "ladybird.jpg": filepath.Join(thumbSamples, "ladybird.jpg")})
	if err := syscall.Mkfifo(filepath.Join(in, "fifo.jpg"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(in, "zero.jpg")); err != nil {
		t.Fatal(err)
	}
	bomb := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x06\x00\x00\x00\x00\x00\x00\x00")
	if err := os.WriteFile(filepath.Join(in, "bomb.png"), bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := thumbsRun(t, "-q", "--max-pixels", "-1", "-o", out, in)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 3 {
		t.Fatalf("exit %d, %d lines on stderr, want 1 and 3:\n%s", code, len(lines), stderr)
	}
	for _, want := range []string{"fifo.jpg: not a regular file (a named pipe)", "zero.jpg: not a regular file (a character device)", "bomb.png: "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, made := range []string{"wood_128_128.png", "ladybird_128_128.png"} {
		if _, err := os.Stat(filepath.Join(out, made)); err != nil {
			t.Error(err)
		}
	}
}

// Colour: by default an Adobe RGB source is converted to sRGB and its
// thumbnails carry no profile; --keep-profile copies the profile instead.
// A CMYK profile is never written; unless Little CMS converted the pixels
// through it, one warning line per image says so, also in the JSON output.
func TestThumbsColourProfiles(t *testing.T) {
	lcmsLoaded, _ := lcms.Available()
	colour := filepath.Join("..", "..", "thumb", "testdata", "colour")
	dir := t.TempDir()
	copyInto(t, dir, map[string]string{"adobe.png": filepath.Join(colour, "adobe-rgb-cube.png"), "cmyk.jpg": filepath.Join(colour, "cmyk.jpg")})
	adobe, cmyk := filepath.Join(dir, "adobe.png"), filepath.Join(dir, "cmyk.jpg")
	for _, keep := range []bool{false, true} {
		out := filepath.Join(dir, "out"+strconv.FormatBool(keep))
		args := []string{"-q", "-o", out, "--format", "jpeg", adobe, cmyk}
		if keep {
			args = append(args, "--keep-profile")
		}
		code, _, stderr := thumbsRun(t, args...)
		if code != 0 {
			t.Fatalf("keep %v: exit %d\n%s", keep, code, stderr)
		}
		converted := !keep && lcmsLoaded // then Little CMS converts the CMYK pixels: no warning
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); converted != (stderr == "") || !converted && (len(lines) != 1 || !strings.HasPrefix(lines[0], cmyk+": warning: CMYK ICC profile dropped")) {
			t.Errorf("keep %v: stderr %q, want one warning naming %s", keep, stderr, cmyk)
		}
		for src, want := range map[string]bool{"adobe": keep, "cmyk": false} {
			b, err := os.ReadFile(filepath.Join(out, src+"_64_64.jpg"))
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(b, []byte("ICC_PROFILE\x00")); got != want {
				t.Errorf("keep %v: %s thumbnail carries a profile: %v, want %v", keep, src, got, want)
			}
		}
	}
	code, stdout, _ := thumbsRun(t, "-q", "--json", "--force", "-o", filepath.Join(dir, "out"), cmyk)
	var d struct{ Warning string }
	if err := json.Unmarshal([]byte(stdout), &d); code != 0 || err != nil || lcmsLoaded != (d.Warning == "") || !lcmsLoaded && !strings.HasPrefix(d.Warning, "CMYK ICC profile dropped") {
		t.Errorf("--json: exit %d, %v, %q", code, err, stdout)
	}
}
