package thumb

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// systemCMYK is a real-world, LUT-based CMYK output profile that Debian
// installs with Ghostscript (libgs-common; AGPL, so read where it is and
// not copied into testdata).
const systemCMYK = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

// withoutICC returns a JPEG without its APP2 ICC_PROFILE segments.
func withoutICC(data []byte) []byte {
	out := append([]byte(nil), data[:2]...)
	i := 2
	for i+4 <= len(data) && data[i] == 0xFF && data[i+1] != 0xDA {
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		seg := data[i : i+2+n]
		if !(data[i+1] == 0xE2 && len(seg) > 16 && string(seg[4:16]) == "ICC_PROFILE\x00") {
			out = append(out, seg...)
		}
		i += 2 + n
	}
	return append(out, data[i:]...)
}

// The CMYK photo of the corpus tagged with Ghostscript's CMYK profile is
// converted as libvips converts it (`vips icc_transform … srgb --intent
// relative --embedded`, through Little CMS to libvips's own sRGB
// profile). Skipped where the profile or vips is missing.
func TestColourLCMSSystemCMYK(t *testing.T) {
	needLCMS(t)
	prof, err := os.ReadFile(systemCMYK)
	if err != nil {
		t.Skipf("no system CMYK profile: %v", err)
	}
	vips, err := exec.LookPath("vips")
	if err != nil {
		t.Skip("vips (libvips-tools) not installed: no reference")
	}
	dir := t.TempDir()
	data := tagged(withoutICC(readFile(t, filepath.Join(colourDir, "cmyk-lut.jpg"))), prof)
	src, ref := filepath.Join(dir, "src.jpg"), filepath.Join(dir, "ref.png")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(vips, "icc_transform", src, ref, "srgb", "--intent", "relative", "--embedded").CombinedOutput(); err != nil {
		t.Fatalf("vips: %v\n%s", err, out)
	}
	want := decodeImage(t, readFile(t, ref))
	b := want.Bounds()
	set, err := Make(data, Options{Boxes: []Box{{b.Dx(), b.Dy()}}})
	if err != nil {
		t.Fatal(err)
	}
	got := compareImages(t, set.Thumbs[0], want, 0)
	before := compareImages(t, sourceImage(t, data), want, 0)
	t.Logf("ΔE2000 to vips: mean %.3f, p99 %.3f, max %.3f (unconverted: mean %.2f)", got.mean, got.p99, got.max, before.mean)
	if set.Warning != "" || got.mean > 0.5 || got.max > 3 {
		t.Errorf("warning %q; ΔE2000 mean %.3f, max %.3f: want ≤ 0.5 and ≤ 3", set.Warning, got.mean, got.max)
	}
}
