package main

import (
	"bytes"
	"testing"
)

func TestOutputMatchesTheNotes(t *testing.T) {
	var b bytes.Buffer
	run(&b)
	want := "true\ntrue\n美国: 特朗普\n美国: 特朗普\n美国: 特朗普\n" +
		"1000 goroutines asked at once: made 1 time(s), 1 instance(s)\n"
	if b.String() != want {
		t.Fatalf("output\n%s\nwant\n%s", b.String(), want)
	}
}

// TestOneInstanceUnderContention asks for the instance from 1,000
// goroutines released at once; run it with -race.
func TestOneInstanceUnderContention(t *testing.T) {
	if n := contend(1000, func() *President { return GetPresident("candidate", "country") }); n != 1 {
		t.Fatalf("1000 goroutines got %d instances", n)
	}
}
