package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The default build loads libjpeg-turbo at run time and so needs the
// system's C library and dynamic loader; 'CGO_ENABLED=0 go build -tags
// static' leaves the loader out and is a truly static binary, which
// decodes JPEGs in pure Go and says so.
func TestStaticBuild(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF binary")
	}
	static := filepath.Join(t.TempDir(), "fanout-static")
	cmd := exec.Command("go", "build", "-tags", "static", "-o", static, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		path       string
		wantStatic bool
	}{{static, true}, {bin, false}} {
		f, err := elf.Open(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		interp := false
		for _, p := range f.Progs {
			interp = interp || p.Type == elf.PT_INTERP
		}
		f.Close()
		if interp == tc.wantStatic {
			t.Errorf("%s: has a dynamic loader: %v, want %v", filepath.Base(tc.path), interp, !tc.wantStatic)
		}
	}
	sout, err := exec.Command(static, "version").Output()
	if err != nil || !strings.Contains(string(sout), "static build") {
		t.Errorf("static fanout version: %q, %v", sout, err)
	}
}
