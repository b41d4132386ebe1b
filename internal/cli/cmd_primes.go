package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/prime"
)

// primesOptions are the flags of `fanout primes`.
type primesOptions struct {
	Range      string
	Count      bool
	PrimesOnly bool
	Unordered  bool
	Files      []string
}

func (o *primesOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Range, "range", "", "list the primes in A..B, both ends included (e.g. 0..1e9, 10^18..10^18+10^6)")
	f.BoolVar(&o.Count, "count", false, "with --range: print how many primes there are instead of listing them")
	f.BoolVarP(&o.PrimesOnly, "primes-only", "p", false, "print only the numbers that are prime, one per line")
	f.BoolVar(&o.Unordered, "unordered", false, "print results as chunks complete, not in input order")
	f.StringArrayVarP(&o.Files, "file", "f", nil, "read numbers from FILE, one per line ('-' for stdin); repeatable")
}

const primesLong = `Check integers for primality, or list or count the primes in a range.

Numbers come from the arguments and from files given with -f, or else from
standard input, one per line, streamed in chunks of about 3,000 numbers:
input of any length runs in constant memory on all cores. Output is in
input order (--unordered: as chunks complete), in the shape of the Python
notes fanout grew from:

  982451653 is prime: true

--json prints {"n":"982451653","prime":true} per number, and for a line
that is not an integer {"line":N,"input":"12a","error":"not an integer"},
so output lines stay aligned with the non-blank input lines. -p prints
only the primes. Surrounding white space (a Windows \r too), a leading +
or -, leading zeros and blank lines are accepted; anything else ('12a',
'1e9', '31.0', '1_000', '0x1F', non-ASCII digits, lines over 16 KiB) is
named on stderr as 'line N: "12a": not an integer', the run goes on, and
the exit status is 1. 0, 1 and negative numbers are not prime.

Guarantees: below 2^64 every answer is exact (trial division, then
Baillie-PSW: a base-2 strong Fermat test and an extra strong Lucas test,
which no composite below 2^64 passes). From 2^64 on, numbers go through
trial division and Go's math/big ProbablyPrime(0), also Baillie-PSW:
"false" is certain, "true" means a probable prime (no composite is known
to pass Baillie-PSW, but none is proven impossible at that size).

--range A..B lists the primes in [A, B] with a segmented sieve of
Eratosthenes (mod-30 wheel, cache-sized segments, all cores), for any
B < 2^64; with --count it prints only their number. Ends may be written
as 1e10, 10^18, 2^64-1 or sums such as 10^18+10^9.

` + exitCodesHelp

func newPrimesCmd(g *Globals) *cobra.Command {
	var o primesOptions
	cmd := &cobra.Command{
		Use:   "primes [N ...]",
		Short: "Check numbers for primality, or list and count primes in a range",
		Long:  primesLong,
		Example: `  fanout primes 982451653 561 18446744073709551557
  seq 1 1000000 | fanout primes -p | wc -l
  fanout primes -f numbers.txt --json > verdicts.jsonl
  fanout primes --range 0..1e10 --count
  fanout primes --range 10^18..10^18+1000`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPrimes(cmd.Context(), g, o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// runPrimes runs `fanout primes`; tests call it without cobra.
func runPrimes(ctx context.Context, g *Globals, o primesOptions, args []string) error {
	if o.Range != "" {
		if len(args) > 0 || len(o.Files) > 0 {
			return Usagef("usage: --range takes no numbers or files")
		}
		return runPrimeRange(ctx, g, o)
	}
	if o.Count {
		return Usagef("usage: --count needs --range A..B")
	}
	in, closeAll, err := primeInputs(g, o, args)
	if err != nil {
		return err
	}
	defer closeAll()

	if g.NATS != "" {
		in.chunk = remoteChunkBytes
	}
	settings := prime.Settings{JSON: g.JSON, PrimesOnly: o.PrimesOnly}
	// On a cluster only verdicts travel: this process writes the lines.
	settings.NoText = g.NATS != ""
	job, doneRemote, err := bind(ctx, g, prime.Job, settings, primesDisplay{Ordered: !o.Unordered, HaltOnError: g.HaltOnError})
	if err != nil {
		return err
	}
	defer doneRemote()
	ctx, w := newPrimesWriter(ctx, g, settings)
	defer w.halt(nil)
	err = Drive(ctx, g, Task[prime.Chunk, prime.Checked]{
		Job:         job,
		Inputs:      in.all(),
		Ordered:     !o.Unordered,
		Noun:        "numbers",
		NoInput:     "no numbers: " + in.describe() + " is empty",
		SelfCounted: true,
		InputBytes:  in.size(),
		BytesOf:     func(c prime.Chunk) int64 { return int64(len(c.Text)) + c.Long },
		Emit:        w.emit,
	})
	if in.err != nil && !errors.Is(in.err, ErrInterrupted) {
		g.Warnf("%v", in.err)
		var usage *UsageError
		if err == nil || errors.As(err, &usage) { // a read error is no "empty input"
			err = errReported{in.err}
		}
	}
	if w.halted {
		return errReported{errHaltedOnBadLine}
	}
	if in.unopened > 0 {
		return inputsFailed(err, in.unopened)
	}
	if err == nil && w.numbers == 0 {
		return Usagef("no numbers: %s held only blank lines", in.describe())
	}
	return err
}

// primesDisplay is how a primes run shows its results beyond its job
// settings: what fanout wait needs to show them the same way.
type primesDisplay struct {
	Ordered     bool `json:"ordered"`
	HaltOnError bool `json:"halt_on_error,omitempty"`
}

// primesWriter writes the results of a primes run: each chunk's lines,
// each bad line named on stderr, and with --halt-on-error the output cut
// at the first bad line.
type primesWriter struct {
	g        *Globals
	settings prime.Settings
	halt     context.CancelCauseFunc
	halted   bool
	numbers  int // lines that held a number or were bad
}

// newPrimesWriter returns a writer and the context of its run, which
// --halt-on-error cancels at the first bad line: the engine's items are
// chunks, which succeed even when some of their lines are bad.
func newPrimesWriter(ctx context.Context, g *Globals, s prime.Settings) (context.Context, *primesWriter) {
	ctx, halt := context.WithCancelCause(ctx)
	return ctx, &primesWriter{g: g, settings: s, halt: halt}
}

func (w *primesWriter) emit(r engine.Result[prime.Chunk, prime.Checked], rep *Report) error {
	g := w.g
	if w.halted {
		return nil
	}
	if r.Err != nil {
		rep.Fail(chunkName(r.In), r.Err)
		return nil
	}
	defer r.Out.Release()
	r.Out.Render(r.In, w.settings) // the lines of a chunk checked on a worker
	out := r.Out
	if g.HaltOnError {
		var bad prime.LineError
		if out, bad, w.halted = prime.Cut(r.In, r.Out, w.settings); w.halted {
			// Print the chunk up to its first bad line, then stop.
			rep.Fail(lineName(r.In.Source, bad.Line), fmt.Errorf("%q: %s", bad.Input, bad.Reason))
			w.halt(errHaltedOnBadLine)
			rep.OK(out.Numbers)
			_, err := g.Stdout.Write(out.Text)
			return err
		}
	}
	for _, e := range out.Errors {
		rep.Fail(lineName(r.In.Source, e.Line), fmt.Errorf("%q: %s", e.Input, e.Reason))
	}
	rep.OK(out.Numbers)
	w.numbers += out.Numbers + len(out.Errors)
	_, err := g.Stdout.Write(out.Text)
	return err
}

// remoteChunkBytes is the size of a chunk of numbers sent to a cluster
// worker: each task costs the broker two stored messages, so a task
// carries about 25,000 numbers (well under the 1 MB message limit).
const remoteChunkBytes = 512 << 10

// numbersIn is how many numbers [lo, hi] holds, at most math.MaxInt.
func numbersIn(lo, hi uint64) int {
	return int(min(hi-lo, math.MaxInt-1) + 1)
}

var errHaltedOnBadLine = errors.New("halted at the first bad line (--halt-on-error)")

// lineName names a line in error messages: "line 7" on stdin,
// "argument 2", or "FILE: line 7".
func lineName(source string, line int) string {
	switch source {
	case "stdin":
		return "line " + strconv.Itoa(line)
	case "argument":
		return "argument " + strconv.Itoa(line)
	}
	return source + ": line " + strconv.Itoa(line)
}

func chunkName(c prime.Chunk) string {
	return fmt.Sprintf("%s from line %d", c.Source, c.First)
}

// primeInput is the numbers to check: arguments first, then each file.
type primeInput struct {
	chunk    int // bytes a chunk aims at
	args     []string
	readers  []namedReader
	unopened int   // files named with -f that could not be opened
	err      error // the first read error
}

func primeInputs(g *Globals, o primesOptions, args []string) (*primeInput, func(), error) {
	names := o.Files
	if len(args) == 0 && len(names) == 0 {
		if stdinIsTerminal(g.Stdin) {
			return nil, nil, Usagef("usage: no numbers: give them as arguments, with -f FILE, or on stdin")
		}
		names = []string{"-"}
	}
	in := &primeInput{args: args}
	var closeAll func()
	in.readers, in.unopened, closeAll = openInputs(g, names)
	return in, closeAll, nil
}

// size is the input's size in bytes, when it is known before the run.
func (in *primeInput) size() int64 {
	n := inputSize(in.readers)
	if n == 0 && len(in.readers) > 0 {
		return 0
	}
	for _, a := range in.args {
		n += int64(len(a)) + 1
	}
	return n
}

// describe names the input for the "no numbers" message.
func (in *primeInput) describe() string {
	if len(in.readers) == 1 && len(in.args) == 0 {
		if in.readers[0].name == "stdin" {
			return "standard input"
		}
		return in.readers[0].name
	}
	return "the input"
}

// all yields the arguments in chunks, then every reader's chunks.
func (in *primeInput) all() iter.Seq[prime.Chunk] {
	return func(yield func(prime.Chunk) bool) {
		const perChunk = 4096
		for i := 0; i < len(in.args); i += perChunk {
			c := prime.ArgsChunk(in.args[i:min(i+perChunk, len(in.args))])
			c.First = i + 1
			if !yield(c) {
				return
			}
		}
		for _, nr := range in.readers {
			r := prime.NewReaderSize(nr.r, nr.name, in.chunk)
			for c := range r.All() {
				if !yield(c) {
					return
				}
			}
			if err := r.Err(); err != nil && in.err == nil {
				in.err = err
			}
		}
	}
}

// runPrimeRange lists or counts the primes of --range on all cores.
func runPrimeRange(ctx context.Context, g *Globals, o primesOptions) error {
	lo, hi, err := prime.ParseRange(o.Range)
	if err != nil {
		return Usagef("usage: --range: %v", err)
	}
	workers := g.Jobs
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	list := !o.Count
	spans := prime.Spans(lo, hi, list, workers)
	d := rangeDisplay{Lo: lo, Hi: hi, Ordered: !o.Unordered}
	job, doneRemote, err := bind(ctx, g, prime.RangeJob, prime.RangeSettings{JSON: g.JSON, Count: o.Count}, d)
	if err != nil {
		return err
	}
	defer doneRemote()
	return driveRange(ctx, g, job, spans, d, o.Count)
}

// rangeDisplay is how a range run shows its results beyond its job
// settings, kept in a cluster run's record for fanout wait.
type rangeDisplay struct {
	Lo      uint64 `json:"lo"`
	Hi      uint64 `json:"hi"`
	Ordered bool   `json:"ordered,omitempty"`
}

// driveRange runs the spans of a range and prints the primes, or their
// count, as a range run prints them.
func driveRange(ctx context.Context, g *Globals, job engine.Job[prime.Span, prime.Sieved], spans iter.Seq[prime.Span], d rangeDisplay, countOnly bool) error {
	var count uint64
	// The summary and the bar count numbers sieved, not the spans the
	// range was cut into.
	err := Drive(ctx, g, Task[prime.Span, prime.Sieved]{
		Job:         job,
		Inputs:      spans,
		Total:       numbersIn(d.Lo, d.Hi),
		Ordered:     d.Ordered,
		Noun:        "numbers",
		NoInput:     "empty range",
		SelfCounted: true,
		Emit: func(r engine.Result[prime.Span, prime.Sieved], rep *Report) error {
			if r.Err != nil {
				rep.Fail(fmt.Sprintf("%d..%d", r.In.Lo, r.In.Hi), r.Err)
				return nil
			}
			rep.OK(numbersIn(r.In.Lo, r.In.Hi))
			count += r.Out.Count
			_, err := io.WriteString(g.Stdout, r.Out.Text)
			return err
		},
	})
	if err != nil || !countOnly {
		return err
	}
	if g.JSON {
		return g.WriteJSON(struct {
			Lo    string `json:"lo"`
			Hi    string `json:"hi"`
			Count uint64 `json:"count"`
		}{strconv.FormatUint(d.Lo, 10), strconv.FormatUint(d.Hi, 10), count})
	}
	_, err = fmt.Fprintln(g.Stdout, count)
	return err
}
