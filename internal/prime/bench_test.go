package prime

import (
	"math/rand/v2"
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
