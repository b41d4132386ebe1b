package engine

import (
	"context"
	"fmt"
)

// Job is a named unit of work: a typed function from one input to one
// output, both serialisable (see Encode), so that the local pool and a remote
// worker run the very same code.
type Job[In, Out any] struct {
	// Name identifies the job across processes, e.g. "primes".
	Name string
	// Run does the work for one input.
	Run Func[In, Out]
	// Workers is the job's default concurrency: zero means one worker per
	// core (CPU-bound work); I/O-bound jobs declare more.
	Workers int
	// Indexed asks for Options.Indexed: the function reads each item's
	// place in the input with IndexOf (a cluster submitter does).
	Indexed bool
}

// RawFunc is a job's function on its input and output in wire form (see
// Encode).
type RawFunc func(ctx context.Context, in []byte) ([]byte, error)

// Raw returns j's function on the wire form: it decodes the input, runs j, and
// encodes the output. A remote worker holds jobs in this form. When j
// fails, its output is still encoded if it is not the zero value, since a
// job may describe its failure there (a page's status, say).
func (j Job[In, Out]) Raw() RawFunc {
	return func(ctx context.Context, raw []byte) ([]byte, error) {
		var in In
		if err := Decode(raw, &in); err != nil {
			return nil, fmt.Errorf("%s: decode input: %w", j.Name, err)
		}
		out, err := j.Run(ctx, in)
		if err != nil {
			var zero Out
			if b, merr := Encode(out); merr == nil {
				if zb, _ := Encode(zero); string(zb) != string(b) {
					return b, err
				}
			}
			return nil, err
		}
		b, err := Encode(out)
		if err != nil {
			return nil, fmt.Errorf("%s: encode output: %w", j.Name, err)
		}
		return b, nil
	}
}
