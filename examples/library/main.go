// Command fanout-library is a program outside fanout's module that uses
// fanout as a library: the engine over a slice, with a function of its
// own, and one of fanout's jobs built from its settings. Its module
// points at this repository with a replace directive, so that building
// it proves the public packages are usable from outside.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/prime"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fanout-library:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	// The engine with a function of our own: words to upper case, four at
	// a time, results in input order.
	words := []string{"one", "crashed", "worker", "never", "breaks", "the", "pool"}
	upper := func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }
	var out []string
	sum, err := engine.Run(ctx, slices.Values(words), upper, engine.Options{Workers: 4, Ordered: true},
		func(r engine.Result[string, string]) bool {
			out = append(out, r.Out)
			return true
		})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%d ok)\n", strings.Join(out, " "), sum.OK)

	// One of fanout's jobs, built from its settings, as the fanout
	// command and its cluster workers build it.
	job, err := prime.Job.Job(prime.Settings{PrimesOnly: true})
	if err != nil {
		return err
	}
	chunks := slices.Values([]prime.Chunk{
		{Source: "list", First: 1, Text: "982451653\n561\n18446744073709551557\n"},
		{Source: "list", First: 4, Text: "12a\n7\n"},
	})
	for r := range engine.Map(ctx, chunks, job.Run, engine.Options{Ordered: true}) {
		if r.Err != nil {
			return r.Err
		}
		w.Write(r.Out.Text)
		for _, e := range r.Out.Errors {
			fmt.Fprintf(w, "%s: %v\n", r.In.Source, e)
		}
		r.Out.Release()
	}
	return nil
}
