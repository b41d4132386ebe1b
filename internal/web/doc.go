// Package web serves a live view of a run over HTTP: a run page (counts,
// rate, ETA, a progress bar, a timeline of items per second, and the
// failures, filtered by class, searched by item text and paged), updates
// over server-sent events, and Prometheus metrics at /metrics, all on one
// listener.
//
// The pieces:
//
//   - Run is the live state of one run, fed as items finish (OK, Fail,
//     Cancelled; Begin and End around each attempt). Its counts are
//     counters, never a scan; its failures are kept in a bounded store (the
//     first MaxFailures in full, the rest only counted) so that memory stays
//     bounded on runs of any size.
//   - View is what a page shows; Run is one, RemoteRun (a cluster run on a
//     broker) another: the server lists views by id.
//   - Broker is a broker's side: with Config.Broker the first page lists
//     the cluster's runs from the run bucket (live over server-sent
//     events), with pages of its workers and its queue, cancel and retry
//     actions (confirmed, POST, same-origin), and the cluster's metrics. It
//     reads the streams through a cluster.Monitor; an Explainer per job
//     says what a task held (primes: a chunk of numbers and its bad lines).
//   - Server owns the listener, the handlers and their goroutines; Shutdown
//     ends the event streams, waits for every handler and returns within
//     its context's deadline.
//
// Pages are rendered by html/template from embedded assets, so that every
// item name (hostile input: file names and URLs holding markup) is escaped,
// and they work offline. A strict Content-Security-Policy allows only the
// embedded script and style sheet. Without JavaScript a plain refresh shows
// the same numbers: the server formats every figure once, for the page and
// for the event stream alike.
//
// Security: an address that is not loopback needs a token (see Config). A
// request carries it as "Authorization: Bearer TOKEN", or in a cookie that
// a first visit with ?token=TOKEN sets; every request is checked in
// constant time, /metrics and the event stream included. Without a token,
// on loopback, the Host header must name a loopback address, so that a web
// page elsewhere cannot read the run through DNS rebinding.
//
// Metrics use github.com/VictoriaMetrics/metrics (pinned at v1.45.0) rather
// than github.com/prometheus/client_golang (v1.25.0). A run exports a
// handful of series, and VictoriaMetrics/metrics writes them in the
// Prometheus text format with two small dependencies: this whole package
// adds 0.7 MB to the fanout binary, where client_golang alone adds 3.5 MB
// (measured: it brings protobuf, procfs, client_model and common) for
// protobuf exposition, content negotiation and collector registries that
// one page does not need. Its counters are atomics that the page reads too,
// so page and scrape share one source; it has Prometheus histograms with
// chosen buckets and the process's metrics; and a metrics.Set per run fits
// the views of cluster runs to come. What it lacks, label escaping and
// per-set metadata, is small: labelValue escapes, and the # TYPE switch is
// global (set once here; nothing else in fanout writes metrics). The tests
// parse /metrics with Prometheus' own text parser
// (github.com/prometheus/common/expfmt), so the output is checked against
// the reference, not trusted.
package web
