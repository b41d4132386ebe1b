package thumb

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "regenerate the Pillow golden files with /usr/bin/python3 (needs python3-pil)")

// readGolden decodes testdata/name, regenerating the Pillow goldens first
// with -update.
func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	if *update {
		out, err := exec.Command("/usr/bin/python3", filepath.Join("testdata", "pillow_golden.py")).CombinedOutput()
		if err != nil {
			t.Fatalf("pillow_golden.py: %v\n%s", err, out)
		}
	}
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestFitMatchesPillow(t *testing.T) {
	var cases []struct {
		W, H int
		Box  [2]int
		Want [2]int
	}
	readGolden(t, "pillow_fit.json", &cases)
	if len(cases) < 500 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for _, c := range cases {
		w, h := Fit(c.W, c.H, Box{c.Box[0], c.Box[1]})
		if [2]int{w, h} != c.Want {
			t.Errorf("Fit(%d, %d, %v) = %dx%d, Pillow %dx%d", c.W, c.H, c.Box, w, h, c.Want[0], c.Want[1])
		}
	}
}

func TestParseBoxes(t *testing.T) {
	tests := []struct {
		in   string
		want []Box
		bad  bool
	}{
		{in: "32,64,128", want: []Box{{32, 32}, {64, 64}, {128, 128}}},
		{in: "200x100", want: []Box{{200, 100}}},
		{in: " 16 , 300X20 ", want: []Box{{16, 16}, {300, 20}}},
		{in: "", bad: true},
		{in: "0", bad: true},
		{in: "-5", bad: true},
		{in: "12x", bad: true},
		{in: "ax3", bad: true},
		{in: "99999", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseBoxes(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("ParseBoxes(%q) error = %v, want error %v", tt.in, err, tt.bad)
			continue
		}
		if !tt.bad && len(got) != len(tt.want) {
			t.Errorf("ParseBoxes(%q) = %v, want %v", tt.in, got, tt.want)
			continue
		}
		for i := range tt.want {
			if got[i] != tt.want[i] {
				t.Errorf("ParseBoxes(%q) = %v, want %v", tt.in, got, tt.want)
			}
		}
	}
}
