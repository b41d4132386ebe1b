package s3store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds store URLs to Parse, seeded from testdata/urls.txt: it
// must never panic, every Location it accepts must give itself back
// through String, and no accepted prefix may climb out of the bucket.
func FuzzParse(f *testing.F) {
	seeds, err := os.ReadFile(filepath.Join("testdata", "urls.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for line := range strings.Lines(string(seeds)) {
		f.Add(strings.TrimSuffix(line, "\n"))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		loc, err := Parse(raw)
		if err != nil {
			return
		}
		if loc.Bucket == "" {
			t.Fatalf("Parse(%q) accepted no bucket", raw)
		}
		if loc.Prefix != "" && (Name(strings.TrimSuffix(loc.Prefix, "/")) != nil || !strings.HasSuffix(loc.Prefix, "/")) {
			t.Fatalf("Parse(%q) gave the prefix %q", raw, loc.Prefix)
		}
		again, err := Parse(loc.String())
		if err != nil || again != loc {
			t.Fatalf("Parse(%q) = %+v, whose String %q parses as %+v, %v", raw, loc, loc.String(), again, err)
		}
	})
}
