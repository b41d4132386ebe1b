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
// A Def defines a job once: a stable name, a version, a settings type whose
// zero value means the job's defaults, and a constructor from settings to
// the function. Def.Job builds it for the local pool; Def.Raw builds it
// from settings in their JSON wire form, as a cluster worker does, so both
// run the very same code with the very same settings. A Registry lists
// Defs by name.
package engine
