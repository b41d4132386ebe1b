package prime

import (
	"context"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"testing"
)

func benchInputs(n int, gen func(*rand.Rand) uint64) []uint64 {
	rng := rand.New(rand.NewPCG(7, 8))
	xs := make([]uint64, n)
	for i := range xs {
		xs[i] = gen(rng)
	}
	return xs
}

func benchIsPrime64(b *testing.B, xs []uint64) {
	b.ReportAllocs()
	i, primes := 0, 0
	for b.Loop() {
		if IsPrime64(xs[i]) {
			primes++
		}
		i++
		if i == len(xs) {
			i = 0
		}
	}
	_ = primes
}

// BenchmarkIsPrime64Random: random integers below 2^64, about 2% prime.
func BenchmarkIsPrime64Random(b *testing.B) {
	benchIsPrime64(b, benchInputs(1<<16, (*rand.Rand).Uint64))
}

// BenchmarkIsPrime64Random32: random integers below 2^32.
func BenchmarkIsPrime64Random32(b *testing.B) {
	benchIsPrime64(b, benchInputs(1<<16, func(r *rand.Rand) uint64 { return uint64(r.Uint32()) }))
}

// BenchmarkIsPrime64Primes: primes near 2^64, the slowest case.
func BenchmarkIsPrime64Primes(b *testing.B) {
	benchIsPrime64(b, benchInputs(1<<10, func(r *rand.Rand) uint64 { return nextPrime(r.Uint64() | 1<<63) }))
}

// BenchmarkIsPrime64Primes32: primes below 2^32.
func BenchmarkIsPrime64Primes32(b *testing.B) {
	benchIsPrime64(b, benchInputs(1<<10, func(r *rand.Rand) uint64 { return nextPrime(uint64(r.Uint32()>>1) + 1<<31) }))
}

func benchChunk(b *testing.B, gen func(*rand.Rand) uint64) {
	var text []byte
	for _, x := range benchInputs(3000, gen) {
		text = strconv.AppendUint(text, x, 10)
		text = append(text, '\n')
	}
	c := Chunk{Source: "stdin", First: 1, Text: string(text)}
	var out []byte
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := Check(context.Background(), c)
		if err != nil {
			b.Fatal(err)
		}
		out = AppendResults(out[:0], c, v, Format{})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*3000), "ns/number")
}

// BenchmarkCheckChunk64: a chunk of 3,000 random integers below 2^64,
// parsed, tested and rendered as text.
func BenchmarkCheckChunk64(b *testing.B) { benchChunk(b, (*rand.Rand).Uint64) }

// BenchmarkCheckChunk32: the same below 2^32.
func BenchmarkCheckChunk32(b *testing.B) {
	benchChunk(b, func(r *rand.Rand) uint64 { return uint64(r.Uint32()) })
}

// benchSieve sieves s over and over and reports numbers sieved per second
// (one goroutine, so per core). The sieving primes are found before the
// clock starts: a job builds them once for all its spans.
func benchSieve(b *testing.B, s Span) {
	baseFor(s.Hi)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SieveSpan(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Hi-s.Lo+1)*float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
}

// BenchmarkCount1e9: pi(10^9) on one goroutine.
func BenchmarkCount1e9(b *testing.B) {
	for b.Loop() {
		n, err := Count(context.Background(), 0, 1e9)
		if err != nil || n != 50847534 {
			b.Fatalf("pi(10^9) = %d, %v", n, err)
		}
	}
	b.ReportMetric(1e9*float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
}

// BenchmarkSieveSpan1e10: one 1 MiB span just below 10^10, the unit of
// work of `fanout primes --range 0..1e10 --count`.
func BenchmarkSieveSpan1e10(b *testing.B) {
	benchSieve(b, Span{Lo: 1e10 - 30<<20, Hi: 1e10})
}

// BenchmarkSieveSpanList1e10: the same span, listing its primes.
func BenchmarkSieveSpanList1e10(b *testing.B) {
	benchSieve(b, Span{Lo: 1e10 - 30<<20, Hi: 1e10, List: true})
}

// BenchmarkSieveSpan1e12: a span of 10^8 numbers just below 10^12.
func BenchmarkSieveSpan1e12(b *testing.B) {
	benchSieve(b, Span{Lo: 1e12 - 1e8, Hi: 1e12})
}

// BenchmarkSieveSpanFarOut: 10^8 numbers from 10^18, where every span
// meets the 50 million sieving primes up to 10^9 (built once, then cached).
func BenchmarkSieveSpanFarOut(b *testing.B) {
	benchSieve(b, Span{Lo: 1e18, Hi: 1e18 + 1e8})
}

// BenchmarkIsPrimeBig2048: random odd 2048-bit numbers, about 1 in 700
// prime; most fall to trial division, the rest to Baillie-PSW.
func BenchmarkIsPrimeBig2048(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	xs := make([]*big.Int, 256)
	for i := range xs {
		words := make([]big.Word, 2048/bits.UintSize)
		for j := range words {
			words[j] = big.Word(rng.Uint64())
		}
		x := new(big.Int).SetBits(words)
		xs[i] = x.SetBit(x, 2047, 1).SetBit(x, 0, 1)
	}
	i := 0
	for b.Loop() {
		IsPrimeBig(xs[i%len(xs)])
		i++
	}
}
