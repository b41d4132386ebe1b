package prime

import (
	"crypto/rand"
	"math/big"
	"testing"
)

func TestIsPrimeBigKnown(t *testing.T) {
	cases := []struct {
		n     string
		prime bool
	}{
		{"18446744073709551629", true},                    // 2^64+13
		{"18446744073709551617", false},                   // 2^64+1 = 274177·67280421310721
		{"170141183460469231731687303715884105727", true}, // 2^127-1
		{"318665857834031151167461", false},               // strong pseudoprime to bases 2..37
		{"3317044064679887385961981", false},              // strong pseudoprime to bases 2..41
		{"340282366920938463463374607431768211297", true}, // 2^128-159
		{"-7", false},
		{"0", false},
	}
	for _, c := range cases {
		n, _ := new(big.Int).SetString(c.n, 10)
		if got := IsPrimeBig(n); got != c.prime {
			t.Errorf("IsPrimeBig(%s) = %v, want %v", c.n, got, c.prime)
		}
	}
}

// Trial division must never call a prime composite: check products and
// primes around the trial bound, and random numbers against math/big.
func TestIsPrimeBigMatchesMathBig(t *testing.T) {
	for _, bitLen := range []int{65, 100, 256, 1024} {
		for range 200 {
			n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bitLen)))
			if err != nil {
				t.Fatal(err)
			}
			n.SetBit(n, bitLen-1, 1)
			if got, want := IsPrimeBig(n), n.ProbablyPrime(20); got != want {
				t.Fatalf("IsPrimeBig(%s) = %v, ProbablyPrime(20) = %v", n, got, want)
			}
		}
	}
	// A prime times the largest trial prime is composite; a big prime is not.
	p, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10)
	if !IsPrimeBig(p) || IsPrimeBig(new(big.Int).Mul(p, big.NewInt(bigTrialBound-1))) {
		t.Error("trial division near its bound went wrong")
	}
}
