// Command pingpong runs two goroutines printing ping and pong until main
// returns after a while, then prints bye!.
//
// The notes used daemon threads, which Python kills mid-print at exit. Go
// has no daemon goroutines: here main cancels a context, waits for both
// goroutines to stop, and only then prints bye!, so no line is cut and
// nothing outlives main.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// lockedWriter lets two goroutines write whole words without interleaving.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) print(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s)
}

// output prints word every interval until ctx is done.
func output(ctx context.Context, w *lockedWriter, word string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		w.print(word)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func run(w io.Writer, d, interval time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	lw := &lockedWriter{w: w}
	var wg sync.WaitGroup
	for _, word := range []string{"ping\n", "pong\n"} {
		wg.Add(1)
		go func() { defer wg.Done(); output(ctx, lw, word, interval) }()
	}
	<-ctx.Done()
	wg.Wait()
	fmt.Fprintln(w, "bye!")
}

func main() {
	d := flag.Duration("for", 5*time.Second, "how long to play")
	every := flag.Duration("every", 100*time.Millisecond, "pause between two words of one player")
	flag.Parse()
	run(os.Stdout, *d, *every)
}
