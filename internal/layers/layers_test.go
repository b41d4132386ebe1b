package layers

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/fanout-dev/fanout"

// The layers, from the bottom: the engine; the jobs (one package each);
// the registry of jobs and the cluster; the command line. A package may
// use those below it, never those above, and nothing public may use what
// only the command line is for.
var (
	jobPackages = []string{module + "/prime", module + "/thumb", module + "/title"}
	cli         = module + "/internal/cli"
	clusterPkg  = module + "/cluster"
	jobsPkg     = module + "/jobs"
)

func TestLayering(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, stderr.String())
	}
	deps := map[string]map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		set := map[string]bool{}
		for _, d := range f[1:] {
			set[d] = true
		}
		deps[f[0]] = set
	}
	if len(deps) < 10 {
		t.Fatalf("go list gave %d packages: %s", len(deps), out)
	}
	if _, ok := deps[module+"/internal/engine"]; ok {
		t.Error("internal/engine exists: the engine is public, at engine/")
	}
	forbid := func(pkg string, banned ...string) {
		t.Helper()
		d, ok := deps[pkg]
		if !ok {
			t.Errorf("package %s not found", pkg)
			return
		}
		for _, b := range banned {
			if d[b] {
				t.Errorf("%s depends on %s", pkg, b)
			}
		}
	}
	above := append([]string{cli, clusterPkg, jobsPkg}, jobPackages...)
	forbid(module+"/engine", above...)
	for _, j := range jobPackages {
		forbid(j, cli, clusterPkg, jobsPkg)
	}
	forbid(clusterPkg, append([]string{cli, jobsPkg}, jobPackages...)...)
	forbid(jobsPkg, cli, clusterPkg)
	for pkg := range deps {
		rest := strings.TrimPrefix(pkg, module)
		public := !strings.HasPrefix(rest, "/internal") && !strings.HasPrefix(rest, "/cmd")
		if public {
			forbid(pkg, cli)
		}
	}
}
