// Package engine runs one function over a stream of inputs with a bounded
// number of workers, the way Python's concurrent.futures executors do, and
// with the failure modes of those executors removed.
//
// Inputs come from an iter.Seq, so they may be read lazily from standard
// input or a directory walk; results are delivered in input order or in
// completion order. Every input yields exactly one Result: its output or
// its own error. A failing item never stops the others (unless
// Options.HaltOnError is set), a panic inside the job becomes that item's
// error, transient errors are retried with backoff, and cancelling the
// context stops feeding input, cancels in-flight items and waits for them.
//
// Memory is bounded by the number of workers and, in ordered mode, by
// Options.Window: a slow item applies back-pressure to the input instead of
// letting a reorder buffer grow without limit.
//
// A Job couples a stable name with a typed function whose input and output
// are JSON-serialisable, so that a remote worker can run the very same code
// (see Job.Raw).
package engine
