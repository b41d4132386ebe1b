package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/fanout-dev/fanout/engine"
)

// Results come back in input order, each with its own error.
func ExampleRun() {
	inputs := slices.Values([]string{"7", "x", "42"})
	parse := func(_ context.Context, s string) (int, error) { return strconv.Atoi(s) }

	sum, err := engine.Run(context.Background(), inputs, parse, engine.Options{Ordered: true},
		func(r engine.Result[string, int]) bool {
			if r.Err != nil {
				fmt.Printf("%s: %v\n", r.In, errors.Unwrap(r.Err))
			} else {
				fmt.Printf("%s -> %d\n", r.In, r.Out)
			}
			return true
		})
	fmt.Println(sum.OK, "ok,", sum.Failed, "failed, error:", err)
	// Output:
	// 7 -> 7
	// x: invalid syntax
	// 42 -> 42
	// 2 ok, 1 failed, error: <nil>
}

func ExampleMap() {
	double := func(_ context.Context, n int) (int, error) { return 2 * n, nil }
	for r := range engine.Map(context.Background(), slices.Values([]int{1, 2, 3}), double, engine.Options{Ordered: true}) {
		fmt.Println(r.Out)
	}
	// Output:
	// 2
	// 4
	// 6
}
