package prime_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/fanout-dev/fanout/prime"
)

func ExampleIsPrime64() {
	for _, n := range []uint64{1, 2, 561, 982451653, 3825123056546413051, 18446744073709551557} {
		fmt.Println(n, prime.IsPrime64(n))
	}
	// Output:
	// 1 false
	// 2 true
	// 561 false
	// 982451653 true
	// 3825123056546413051 false
	// 18446744073709551557 true
}

func ExampleIsPrimeBig() {
	m127 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
	fmt.Println(prime.IsPrimeBig(m127))
	// Output: true
}

// Check one chunk of input lines and print the verdicts the way the
// command-line tool does, bad lines on the side.
func ExampleCheckAppend() {
	r := prime.NewReader(strings.NewReader("7\n+0011\r\n12a\n\n-5\n"), "stdin")
	for c := range r.All() {
		v, out, err := prime.CheckAppend(context.Background(), c, prime.Format{}, nil)
		if err != nil {
			panic(err)
		}
		os.Stdout.Write(out)
		for _, e := range v.Errors {
			fmt.Println(e)
		}
	}
	// Output:
	// 7 is prime: true
	// 11 is prime: true
	// -5 is prime: false
	// line 3: "12a": not an integer
}

func ExampleSpans() {
	lo, hi, err := prime.ParseRange("10^12..10^12+100")
	if err != nil {
		panic(err)
	}
	var primes []uint64
	for s := range prime.Spans(lo, hi, true, 2) {
		r, err := prime.SieveSpan(context.Background(), s)
		if err != nil {
			panic(err)
		}
		primes = append(primes, r.Primes...)
	}
	fmt.Println(primes)
	// Output: [1000000000039 1000000000061 1000000000063 1000000000091]
}

func ExampleCount() {
	n, err := prime.Count(context.Background(), 0, 1_000_000)
	fmt.Println(n, err)
	// Output: 78498 <nil>
}

// The primes job, built from its settings, runs over chunks of lines as
// the fanout command runs it, here printing only the primes.
func ExampleJob() {
	job, err := prime.Job.Job(prime.Settings{PrimesOnly: true})
	if err != nil {
		panic(err)
	}
	out, _ := job.Run(context.Background(), prime.Chunk{Source: "stdin", First: 1, Text: "97\n98\nx\n101\n"})
	fmt.Print(string(out.Text))
	fmt.Println(out.Numbers, "numbers,", out.Primes, "primes, bad:", out.Errors[0])
	// Output:
	// 97
	// 101
	// 3 numbers, 2 primes, bad: line 3: "x": not an integer
}
