//go:build race

package prime

// raceEnabled says whether the race detector is on.
const raceEnabled = true
