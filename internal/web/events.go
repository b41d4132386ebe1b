package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// writeWait bounds the time one event may take to write: a client that
// stops reading cannot hold its stream's handler for longer.
const writeWait = 10 * time.Second

// quietUpdate is the longest time between two updates of a stream while
// nothing changes: the elapsed time and the rate still move.
const quietUpdate = time.Second

// events streams a run's state as server-sent events: an "update" event
// at once, then one whenever a count or the state changed at a check
// (every Interval) or quietUpdate has passed, until the client goes away,
// the server shuts down, or the run ends; then a last "update" whose
// final field is true.
func (s *Server) events(w http.ResponseWriter, r *http.Request, v View) {
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	default:
		http.Error(w, "too many event streams", http.StatusServiceUnavailable)
		return
	}
	rc := http.NewResponseController(w)
	// The server's WriteTimeout would cut the stream: clear it for this
	// stream, and give each event a deadline of its own instead.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		http.Error(w, "event stream: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	var last Snapshot
	var sent time.Time
	send := func(always bool) (final bool, err error) {
		snap := v.Snapshot()
		same := snap.Done == last.Done && snap.Cancelled == last.Cancelled && snap.InFlight == last.InFlight && snap.State == last.State && snap.Kept == last.Kept && snap.Dropped == last.Dropped
		if same && !always && time.Since(sent) < quietUpdate {
			return false, nil
		}
		last, sent = snap, time.Now()
		u := newUpdate(snap)
		u.Final = u.Final && ended(v) // a cluster run's last results may still come
		b, err := json.Marshal(u)
		if err != nil {
			return false, fmt.Errorf("encode update: %w", err)
		}
		if err := rc.SetWriteDeadline(time.Now().Add(writeWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false, fmt.Errorf("set write deadline: %w", err)
		}
		if _, err := fmt.Fprintf(w, "event: update\ndata: %s\n\n", b); err != nil {
			return false, fmt.Errorf("write event: %w", err)
		}
		if err := rc.Flush(); err != nil {
			return false, fmt.Errorf("flush event: %w", err)
		}
		return u.Final, nil
	}
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	for first := true; ; first = false {
		final, err := send(first)
		if err != nil || final {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.quit:
			_, _ = send(true) // the last state: final when the run has ended
			return
		case <-v.Done():
		case <-tick.C:
		}
	}
}

// ended reports whether v's Done channel is closed.
func ended(v View) bool {
	select {
	case <-v.Done():
		return true
	default:
		return false
	}
}
