package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// brokerRoutes adds a broker's addresses.
//
//	/                          the runs, newest first (instead of one run's page)
//	/events                    server-sent events: the runs' rows as they change
//	/workers                   the workers that report themselves
//	/queue                     the work queue as JetStream counts it
//	/runs/{id}/{action}        GET: confirm cancel or retry; POST: do it
func (s *Server) brokerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /events", s.runsEvents)
	mux.HandleFunc("GET /workers", s.workersPage)
	mux.HandleFunc("GET /queue", s.queuePage)
	mux.HandleFunc("GET /runs/{id}/{action}", s.withView(s.confirm))
	mux.HandleFunc("POST /runs/{id}/{action}", s.withView(s.act))
}

// writeMetrics writes the cluster's metrics in the Prometheus text format:
//
//	fanout_items_total{job,result}      items answered, by job and ok|failed (from results)
//	fanout_queue_pending                tasks no worker has taken yet
//	fanout_queue_in_flight              tasks handed out, not yet acknowledged
//	fanout_queue_redelivered            of those, handed out more than once
//	fanout_queue_waiting_pulls          free worker slots asking for tasks
//	fanout_tasks_given_up_total         tasks given up since the broker's page started
//	fanout_task_stream_messages         tasks the stream holds, done ones included
//	fanout_workers_connected            workers whose heartbeat is current
//	fanout_runs{state}                  runs in the run bucket, by state
func (b *Broker) writeMetrics(ctx context.Context, w io.Writer) {
	b.set.WritePrometheus(w)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	gauge := func(name, help string, v float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, help, name, name, v)
	}
	if q, err := b.m.Queue(ctx); err == nil {
		gauge("fanout_queue_pending", "Tasks no worker has taken yet.", float64(q.Pending))
		gauge("fanout_queue_in_flight", "Tasks handed out and not acknowledged.", float64(q.InFlight))
		gauge("fanout_queue_redelivered", "Tasks in flight handed out more than once.", float64(q.Redelivered))
		gauge("fanout_queue_waiting_pulls", "Free worker slots asking for tasks.", float64(q.Waiting))
		gauge("fanout_task_stream_messages", "Tasks the task stream holds.", float64(q.Tasks))
		fmt.Fprintf(w, "# HELP fanout_tasks_given_up_total Tasks given up after MaxDeliver deliveries.\n# TYPE fanout_tasks_given_up_total counter\nfanout_tasks_given_up_total %d\n", q.GivenUp)
	}
	if ws, err := b.m.Workers(ctx); err == nil {
		n := 0
		for _, wr := range ws {
			if !wr.Gone && !wr.Silent(time.Now(), b.m.Config().Heartbeat) {
				n++
			}
		}
		gauge("fanout_workers_connected", "Workers whose heartbeat is current.", float64(n))
	}
	if runs, err := b.recordsNow(ctx); err == nil {
		by := map[string]int{"running": 0, "finished": 0, "stopped": 0, "cancelled": 0, "abandoned": 0}
		for _, r := range runs {
			by[r.State]++
		}
		fmt.Fprintf(w, "# HELP fanout_runs Runs in the run bucket, by state.\n# TYPE fanout_runs gauge\n")
		for _, st := range []string{"running", "finished", "stopped", "cancelled", "abandoned"} {
			fmt.Fprintf(w, "fanout_runs{state=%q} %d\n", st, by[st])
		}
	}
}
