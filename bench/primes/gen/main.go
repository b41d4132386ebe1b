// Command gen writes random integers, one per line, for bench/primes/run:
// uniform below 2^bits, with a chosen share replaced by random primes.
package main

import (
	"bufio"
	"crypto/rand"
	"flag"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"strconv"

	"github.com/fanout-dev/fanout/prime"
)

func main() {
	n := flag.Int("n", 1_000_000, "how many numbers")
	bitsFlag := flag.Int("bits", 64, "numbers are below 2^bits (up to 64), or odd numbers of exactly this size above 64")
	share := flag.Float64("primes", 0.1, "share of the numbers replaced by random primes (below 2^64)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	rng := mrand.New(mrand.NewPCG(*seed, 0x9e3779b97f4a7c15))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	var buf []byte
	for range *n {
		if *bitsFlag > 64 {
			x, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(*bitsFlag)))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			x.SetBit(x, *bitsFlag-1, 1).SetBit(x, 0, 1)
			fmt.Fprintln(w, x)
			continue
		}
		x := rng.Uint64()
		if *bitsFlag < 64 {
			x >>= 64 - uint(*bitsFlag)
		}
		if rng.Float64() < *share {
			for !prime.IsPrime64(x) {
				x--
			}
		}
		buf = strconv.AppendUint(buf[:0], x, 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
}
