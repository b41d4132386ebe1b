package web

import "time"

// maxBuckets bounds the timeline: past it, neighbouring buckets merge and
// each covers twice the time, so a run of any length keeps at most this
// many.
const maxBuckets = 600

// timeline counts items finished per interval of time since the run
// began: one-second buckets at first, wider ones on long runs. It is
// guarded by the lock of the Run that holds it.
type timeline struct {
	width  time.Duration
	counts []int64
}

// Timeline is the items finished per bucket of Width seconds, from the
// start of the run; the last bucket may be incomplete.
type Timeline struct {
	Width  float64 `json:"width"`
	Counts []int64 `json:"counts"`
}

// add counts n items finished at elapsed time since the start.
func (t *timeline) add(elapsed time.Duration, n int64) {
	if t.width == 0 {
		t.width = time.Second
	}
	i := int(elapsed / t.width)
	for i >= maxBuckets {
		t.merge()
		i = int(elapsed / t.width)
	}
	for len(t.counts) <= i {
		t.counts = append(t.counts, 0)
	}
	t.counts[i] += n
}

// merge halves the number of buckets by adding neighbours together.
func (t *timeline) merge() {
	half := (len(t.counts) + 1) / 2
	for i := range half {
		sum := t.counts[2*i]
		if 2*i+1 < len(t.counts) {
			sum += t.counts[2*i+1]
		}
		t.counts[i] = sum
	}
	t.counts = t.counts[:half]
	t.width *= 2
}

// snapshot copies the timeline, brought up to elapsed.
func (t *timeline) snapshot(elapsed time.Duration) Timeline {
	t.add(elapsed, 0)
	return Timeline{Width: t.width.Seconds(), Counts: append([]int64(nil), t.counts...)}
}
