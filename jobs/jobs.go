package jobs

import (
	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/prime"
	"github.com/fanout-dev/fanout/thumb"
	"github.com/fanout-dev/fanout/title"
)

// Registry returns a new registry of every job fanout ships: thumbs,
// primes, primes-range and titles. Each call returns a registry of its
// own, so a program may add its own jobs to it.
func Registry() *engine.Registry {
	return engine.NewRegistry(
		thumb.Job,
		prime.Job,
		prime.RangeJob,
		title.Job,
	)
}
