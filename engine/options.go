package engine

import (
	"math/rand/v2"
	"runtime"
	"time"
)

// Options configure Run. The zero value runs GOMAXPROCS workers, delivers
// results in completion order, never retries and never halts early.
type Options struct {
	// Workers is the number of items processed at once.
	// Zero means runtime.GOMAXPROCS(0).
	Workers int

	// Ordered delivers results in input order, like executor.map.
	// Otherwise results arrive as items complete.
	Ordered bool

	// Window bounds, in ordered mode, how many items may be in flight or
	// waiting to be delivered at once. A slow item holds the input back
	// once Window-1 later items have finished. Zero means 1024, and the
	// window is never smaller than Workers.
	Window int

	// Retries is how many more attempts an item whose error is transient
	// (see Transient) gets. Zero means none.
	Retries int

	// Backoff is the wait before the first retry; it doubles on each
	// further retry, up to 30 seconds. Each wait is drawn at random
	// between half of that and all of it (jitter), so that items that
	// failed together do not all retry at the same moment. Zero means
	// 100ms.
	Backoff time.Duration

	// HaltOnError cancels the run after the first item that fails.
	HaltOnError bool

	// Total, when positive, is the number of inputs, reported in Progress.
	Total int

	// Indexed gives each call of the job's function a context that holds
	// the item's place in the input, for IndexOf (a cluster submitter
	// sends it with the task). It costs an allocation an item.
	Indexed bool

	// OnProgress, when set, is called after each result, from the
	// goroutine that called Run, before the result is delivered.
	OnProgress func(Progress)
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return o.DefaultWorkers()
}

// DefaultWorkers is the number of workers used when Workers is zero: one
// per core, runtime.GOMAXPROCS(0).
func (Options) DefaultWorkers() int { return runtime.GOMAXPROCS(0) }

func (o *Options) window(workers int) int {
	w := o.Window
	if w <= 0 {
		w = 1024
	}
	return max(w, workers)
}

func (o *Options) backoff(attempt int) time.Duration {
	b := o.Backoff
	if b <= 0 {
		b = 100 * time.Millisecond
	}
	const ceiling = 30 * time.Second
	for i := 1; i < attempt && b < ceiling; i++ {
		b *= 2
	}
	b = min(b, ceiling)
	return b/2 + rand.N(b/2+1)
}

// Progress is a snapshot of a run, given to Options.OnProgress.
type Progress struct {
	Done    int       // items finished, successful or not
	Failed  int       // items finished with an error
	Total   int       // Options.Total: zero when unknown
	Started time.Time // when Run began
}

// Rate returns finished items per second since the start.
func (p Progress) Rate(now time.Time) float64 {
	s := now.Sub(p.Started).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.Done) / s
}
