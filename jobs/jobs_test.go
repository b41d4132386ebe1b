package jobs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/jobs"
)

func ExampleRegistry() {
	fmt.Println(strings.Join(jobs.Registry().Names(), " "))
	// Output: primes primes-range thumbs titles
}

// Every shipped job builds from its zero settings, as a worker builds it
// from a task that carries none.
func TestZeroSettingsBuild(t *testing.T) {
	reg := jobs.Registry()
	for _, name := range reg.Names() {
		d, err := reg.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if d.JobVersion() < 1 {
			t.Errorf("%s: version %d, want 1 or more", name, d.JobVersion())
		}
		if _, err := d.Raw(nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := d.Raw([]byte(`{"no_such_setting":1}`)); err == nil {
			t.Errorf("%s: an unknown setting was accepted", name)
		}
	}
}
