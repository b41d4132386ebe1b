// Package prime tests integers for primality and lists or counts the primes
// in a range, fast enough to check millions of numbers per second.
//
// Below 2^64 every answer is exact. IsPrime64 runs trial division by small
// primes, then the Baillie-PSW test: a strong Fermat (Miller-Rabin) test to
// base 2 and an extra strong Lucas test with Baillie's parameters (P = 3, 4,
// 5, ..., Q = 1), both in Montgomery arithmetic. No composite below 2^64
// passes both: the base-2 strong pseudoprimes below 2^64 are all known
// (Feitsma and Galway's list) and none is an extra strong Lucas
// pseudoprime. This is the same test, with the same guarantee, as Go's
// math/big ProbablyPrime(0), against which the tests cross-check it.
//
// At or above 2^64, IsPrimeBig divides by the primes below a bound scaled to
// the number's size and then applies math/big's ProbablyPrime(0), which is
// Baillie-PSW too. No composite is known to pass Baillie-PSW, but none is
// proven not to exist above 2^64: such an answer "prime" is a probable
// prime, while every answer "composite" is certain.
//
// Work on many numbers is split into Chunks of consecutive input lines,
// thousands of numbers each, so that per-task overhead stays small; Check
// runs one Chunk. Ranges are split into Spans by Spans and sieved by
// SieveSpan with a segmented sieve of Eratosthenes on a mod-30 wheel: a
// span is sieved a 512 KiB block at a time (in L2), each block 32 KiB at
// a time (in L1) by the primes up to 107 copied from patterns and by the
// small primes, then by the medium ones; the sieving primes larger than
// that wait in buckets for the block they hit next (Oliveira e Silva's
// bucket sieve), so a block only touches the primes that hit it, and walk
// their multiples on a mod-210 wheel. Far out the buckets hold hundreds
// of megabytes, taken from slabs backed by huge pages where the system
// allows. A listed span is written as text block by block.
//
// Job and RangeJob define the two jobs fanout runs, locally or on cluster
// workers: Job checks a Chunk and writes its verdicts in the format of its
// Settings; RangeJob sieves a Span and lists or counts its primes.
package prime
