package prime

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// run reads input, checks every chunk and renders it the way the command
// line tool does; it returns stdout and the error lines.
func run(t *testing.T, input string, f Format) (out string, errs []string) {
	t.Helper()
	r := NewReader(strings.NewReader(input), "stdin")
	var b []byte
	for c := range r.All() {
		v, err := Check(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		b = AppendResults(b, c, v, f)
		for _, e := range v.Errors {
			errs = append(errs, e.Error())
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return string(b), errs
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestCheckGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    Format
	}{
		{"mixed.text.golden", Format{}},
		{"mixed.json.golden", Format{JSON: true}},
		{"mixed.primes.golden", Format{PrimesOnly: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs := run(t, string(in), c.f)
			golden(t, c.name, out+"--- stderr\n"+strings.Join(errs, "\n")+"\n")
		})
	}
}

// The seed's list, [1116281, ..., 982451653] * 5, comes out all prime, in
// the seed's order.
func TestSeedList(t *testing.T) {
	seed := []string{"1116281", "1297337", "104395303", "472882027", "533000389", "817504243", "982451653"}
	var in, want strings.Builder
	for range 5 {
		for _, n := range seed {
			in.WriteString(n + "\n")
			want.WriteString(n + " is prime: true\n")
		}
	}
	out, errs := run(t, in.String(), Format{})
	if out != want.String() || len(errs) != 0 {
		t.Fatalf("seed list:\n%s%v\nwant\n%s", out, errs, want.String())
	}
}

func TestCheckBadLinesKeepJSONAligned(t *testing.T) {
	out, errs := run(t, "7\n12a\n\n8\n", Format{JSON: true})
	want := `{"n":"7","prime":true}` + "\n" +
		`{"line":2,"input":"12a","error":"not an integer"}` + "\n" +
		`{"n":"8","prime":false}` + "\n"
	if out != want {
		t.Errorf("got\n%swant\n%s", out, want)
	}
	if len(errs) != 1 || errs[0] != `line 2: "12a": not an integer` {
		t.Errorf("error lines %q", errs)
	}
}

// CheckAppend renders in the same pass exactly what Check and
// AppendResults render in two.
func TestCheckAppendMatchesAppendResults(t *testing.T) {
	in, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := Chunk{Source: "stdin", First: 1, Text: string(in)}
	for _, f := range []Format{{}, {JSON: true}, {PrimesOnly: true}, {JSON: true, PrimesOnly: true}} {
		v, err := Check(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		want := AppendResults(nil, c, v, f)
		v2, got, err := CheckAppend(context.Background(), c, f, nil)
		if err != nil || string(got) != string(want) || v2.Codes != v.Codes {
			t.Errorf("format %+v: CheckAppend gave\n%s\nAppendResults\n%s", f, got, want)
		}
	}
}
