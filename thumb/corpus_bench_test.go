package thumb

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCorpus makes the default thumbnails of every file in the folder
// named by FANOUT_THUMBS_CORPUS (e.g. the set bench/thumbs/run prepares),
// one after the other; it is skipped when the variable is unset. With
// FANOUT_THUMBS_PUREGO set it uses the pure-Go decoders.
func BenchmarkCorpus(b *testing.B) {
	dir := os.Getenv("FANOUT_THUMBS_CORPUS")
	if dir == "" {
		b.Skip("FANOUT_THUMBS_CORPUS is not set")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no files in %s: %v", dir, err)
	}
	var files [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	o := Options{PureGo: os.Getenv("FANOUT_THUMBS_PUREGO") != ""}
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if _, err := Make(data, o); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "images/s")
}
