package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	checkout := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "e9a87af0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-02T06:40:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		set  string
		bi   *debug.BuildInfo
		want string
	}{
		{"", checkout, "fanout devel (commit e9a87af01234+changes, 2026-12-02, " + runtime.Version() + ")"},
		{"v1.2.3", checkout, "fanout v1.2.3 (commit e9a87af01234+changes, 2026-12-02, " + runtime.Version() + ")"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "fanout v0.4.0 (" + runtime.Version() + ")"},
		{"", nil, "fanout devel (" + runtime.Version() + ")"},
	} {
		if got := versionLine(tc.set, tc.bi); got != tc.want {
			t.Errorf("versionLine(%q, ...) = %q, want %q", tc.set, got, tc.want)
		}
	}
}

// A binary built from this checkout names its commit; --version and
// `fanout version` agree.
func TestVersionOfABuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fanout")
	}
	bin := filepath.Join(t.TempDir(), "fanout")
	st, err := os.Stat("../../.git")
	checkout := err == nil && st.IsDir() // a clone (Go does not stamp a worktree's builds)
	build := exec.Command("go", "build", "-buildvcs="+strconv.FormatBool(checkout), "-o", bin, "../../cmd/fanout")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	flag, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(flag))
	want := `^fanout \S+ \((commit [0-9a-f]{12}(\+changes)?, \d{4}-\d\d-\d\d, )?go\S+\)$`
	if checkout {
		want = `^fanout \S+ \(commit [0-9a-f]{12}(\+changes)?, \d{4}-\d\d-\d\d, go\S+\)$`
	}
	if !regexp.MustCompile(want).MatchString(line) {
		t.Errorf("--version printed %q, want it to match %s", line, want)
	}
	cmd, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(cmd), line+"\n") {
		t.Errorf("fanout version printed %q, %v; want it to start with %q", cmd, err, line)
	}
}

// `fanout version` names the colour engine: Little CMS at run time, or
// the pure-Go path and why Little CMS is not used.
func TestVersionColourEngine(t *testing.T) {
	var out bytes.Buffer
	code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}, []string{"version"})
	re := regexp.MustCompile(`(?m)^colour: (lcms2 \d+\.\d+(\.\d+)? via liblcms2\.so\.2 \(run time\)|pure Go \(matrix/TRC RGB and grey profiles only; .+\))`)
	if code != 0 || !re.MatchString(out.String()) {
		t.Errorf("exit %d, output %q; want a line matching %s", code, out.String(), re)
	}
}
