//go:build !race

package prime

import (
	"context"
	"testing"
)

// raceEnabled says whether the race detector is on.
const raceEnabled = false

// TestCountTenBillion sieves 10^10 numbers: about a second and a half
// normally, too slow under the race detector, so it runs only without it.
func TestCountTenBillion(t *testing.T) {
	if testing.Short() {
		t.Skip("counts to 10^10")
	}
	got, err := Count(context.Background(), 0, 10_000_000_000)
	if err != nil || got != 455_052_511 {
		t.Fatalf("pi(10^10) = %d, %v; want 455052511", got, err)
	}
}
