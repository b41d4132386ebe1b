package examples

import (
	"os/exec"
	"testing"
)

// The program in library/ is a module of its own that imports fanout's
// public packages through a replace directive: building, vetting and
// testing it proves that a Go program outside this module can use them.
func TestLibraryModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds another module")
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = "library"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v in examples/library: %v\n%s", args, err, out)
		}
	}
}
