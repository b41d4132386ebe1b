package thumb

import "testing"

// The scaled decode alone of a 2560×1600 photo at 1/4, as the default
// sizes take it.
func BenchmarkJPEGScaledDecode(b *testing.B) {
	data := photo(b, 2560, 1600, "jpeg")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeJPEGScaled(data, 4); err != nil {
			b.Fatal(err)
		}
	}
}
