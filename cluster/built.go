package cluster

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/fanout-dev/fanout/engine"
)

// maxBuilt is how many built jobs (job and settings) a worker keeps.
const maxBuilt = 32

// builtJobs builds each job a worker runs once per job, version and
// settings, so that a run's tasks share what its constructor made (an HTTP
// client, a memory budget), and keeps the last maxBuilt.
type builtJobs struct {
	reg   *engine.Registry
	mu    sync.Mutex
	byKey map[string]built
	order []string // keys, oldest first
}

type built struct {
	fn  engine.RawFunc
	err error
}

// get returns the function of job for the task's version and settings, or
// why there is none: an unknown job, another version, or settings this
// build cannot read.
func (b *builtJobs) get(job, version, settings string) (engine.RawFunc, error) {
	key := job + "\x00" + version + "\x00" + settings
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.byKey[key]; ok {
		return r.fn, r.err
	}
	r := b.build(job, version, settings)
	if b.byKey == nil {
		b.byKey = map[string]built{}
	}
	if len(b.order) >= maxBuilt {
		delete(b.byKey, b.order[0])
		b.order = b.order[1:]
	}
	b.byKey[key] = r
	b.order = append(b.order, key)
	return r.fn, r.err
}

func (b *builtJobs) build(job, version, settings string) built {
	if b.reg == nil {
		return built{err: fmt.Errorf("%w %q: this worker has no jobs", ErrUnknownJob, job)}
	}
	d, err := b.reg.Lookup(job)
	if err != nil {
		return built{err: err}
	}
	if v, err := strconv.Atoi(version); err != nil || v != d.JobVersion() {
		return built{err: fmt.Errorf("%w: %s is version %q on the submitter, %d on this worker: run the same fanout on both", ErrVersion, job, version, d.JobVersion())}
	}
	fn, err := d.Raw([]byte(settings))
	return built{fn: fn, err: err}
}
