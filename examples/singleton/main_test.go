package main

import (
	"bytes"
	"sync"
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
	const n = 1000
	got := make([]*President, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = GetPresident("candidate", "country")
		}()
	}
	close(start)
	wg.Wait()
	for i, p := range got {
		if p == nil || p != got[0] {
			t.Fatalf("goroutine %d got %p, goroutine 0 got %p", i, p, got[0])
		}
	}
}
