package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestPingPongStopsCleanly(t *testing.T) {
	defer goleak.VerifyNone(t)
	var b bytes.Buffer
	run(&b, 60*time.Millisecond, 5*time.Millisecond)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if lines[len(lines)-1] != "bye!" {
		t.Fatalf("last line %q, want bye!", lines[len(lines)-1])
	}
	count := map[string]int{}
	for _, l := range lines[:len(lines)-1] {
		count[l]++
	}
	if count["ping"] < 2 || count["pong"] < 2 || len(count) != 2 {
		t.Fatalf("lines before bye!: %v; want several whole ping and pong lines and nothing else", count)
	}
}
