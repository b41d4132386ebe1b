package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's library example compiles and runs, as it stands, in a
// module of its own.
func TestReadmeLibraryExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds another module")
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- library example -->\n```go\n")
	code, _, ok2 := strings.Cut(rest, "```\n<!-- end library example -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no library example between its markers")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/readme\n\ngo 1.26.0\n\nrequire github.com/fanout-dev/fanout v0.0.0\n\nreplace github.com/fanout-dev/fanout => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join("library", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(code)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	want := "7 -> 7\nx failed: strconv.Atoi: parsing \"x\": invalid syntax\n42 -> 42\n2 ok, 1 failed, error: <nil>\n97\n101\n"
	if err != nil || string(out) != want {
		t.Fatalf("go run of the README's example: %v\n%s\nwant\n%s", err, out, want)
	}
}
