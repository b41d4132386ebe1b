// Package examples holds the cells of the Python study notes that fanout
// grew from, rewritten as small idiomatic Go programs. Each folder is a
// main package that runs with 'go run ./examples/NAME' and has a test that
// runs it:
//
//   - singleton: one process-wide instance, made once however many
//     goroutines ask for it at the same time (the notes' metaclass with a
//     double-checked lock; in Go, sync.Once).
//   - goroutines: the three ways to start concurrent work (a function with
//     arguments; a type with a Run method; a pool whose Submit returns a
//     future to wait on).
//   - pingpong: two goroutines printing ping and pong until main returns,
//     stopped cleanly instead of being killed as daemon threads.
//   - library: a module of its own that imports fanout as a library (the
//     engine and the primes job), as a Go program outside this repository
//     would.
package examples
