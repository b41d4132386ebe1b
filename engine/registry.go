package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ErrUnknownJob is the error for a job name a Registry does not hold.
var ErrUnknownJob = errors.New("unknown job")

// ErrDuplicateJob is returned by Registry.Add for a name already taken.
var ErrDuplicateJob = errors.New("job already registered")

// Registry lists jobs by name. The zero value is empty and ready to use; a
// Registry is safe for concurrent use.
type Registry struct {
	mu   sync.RWMutex
	defs map[string]Definition
}

// NewRegistry returns a Registry holding defs. It panics on an invalid or
// duplicate name, a programming error; use Add to handle it.
func NewRegistry(defs ...Definition) *Registry {
	r := &Registry{}
	for _, d := range defs {
		if err := r.Add(d); err != nil {
			panic(err)
		}
	}
	return r
}

// Add registers d. It fails with ErrDuplicateJob when the name is taken,
// and when the name cannot be a NATS subject token.
func (r *Registry) Add(d Definition) error {
	name := d.JobName()
	if name == "" || strings.ContainsAny(name, ".*> \t\r\n") {
		return fmt.Errorf("engine: job name %q: want a non-empty name without '.', '*', '>' or white space", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.defs[name]; ok {
		return fmt.Errorf("engine: %w: %s", ErrDuplicateJob, name)
	}
	if r.defs == nil {
		r.defs = map[string]Definition{}
	}
	r.defs[name] = d
	return nil
}

// Lookup returns the job registered under name; the error wraps
// ErrUnknownJob when there is none.
func (r *Registry) Lookup(name string) (Definition, error) {
	r.mu.RLock()
	d, ok := r.defs[name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (this build has: %s)", ErrUnknownJob, name, strings.Join(r.Names(), ", "))
	}
	return d, nil
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.defs))
	for n := range r.defs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
