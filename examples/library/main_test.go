package main

import (
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var got strings.Builder
	if err := run(context.Background(), &got); err != nil {
		t.Fatal(err)
	}
	want := "ONE CRASHED WORKER NEVER BREAKS THE POOL (7 ok)\n" +
		"982451653\n18446744073709551557\n" +
		"7\n" +
		"list: line 4: \"12a\": not an integer\n"
	if got.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", got.String(), want)
	}
}
