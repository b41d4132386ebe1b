// Command singleton shows a process-wide instance made exactly once, the Go
// form of the notes' SingletonMeta metaclass with its double-checked lock.
//
// As with the metaclass, the first caller's arguments win: later calls get
// the same instance whatever they pass. sync.Once does the double-checked
// locking: a fast atomic check, then a mutex only while the instance is
// being made. (For a resource built without arguments, sync.OnceValue says
// the same in one line; fanout uses it for its shared HTTP client.)
package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// President is the notes' example of a class with one instance.
type President struct {
	Name, Country string
}

func (p *President) String() string { return p.Country + ": " + p.Name }

var (
	presidentOnce sync.Once
	president     *President
)

// GetPresident returns the one President, making it on the first call
// from that call's arguments.
func GetPresident(name, country string) *President {
	presidentOnce.Do(func() { president = &President{Name: name, Country: country} })
	return president
}

func run(w io.Writer) {
	p1 := GetPresident("特朗普", "美国")
	p2 := GetPresident("奥巴马", "美国")
	p3 := GetPresident("克林顿", "美国")
	fmt.Fprintln(w, p1 == p2)
	fmt.Fprintln(w, p1 == p3)
	fmt.Fprintf(w, "%v\n%v\n%v\n", p1, p2, p3)
	// A fresh singleton whose constructor is slow enough for all the
	// goroutines to arrive while it runs.
	var calls atomic.Int32
	get := sync.OnceValue(func() *President {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond)
		return &President{Name: "候选人", Country: "美国"}
	})
	distinct := contend(1000, get)
	fmt.Fprintf(w, "1000 goroutines asked at once: made %d time(s), %d instance(s)\n", calls.Load(), distinct)
}

// contend releases n goroutines at once on get and returns how many
// different instances they got.
func contend(n int, get func() *President) (distinct int) {
	got := make([]*President, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = get()
		}()
	}
	close(start)
	wg.Wait()
	seen := map[*President]bool{}
	for _, p := range got {
		seen[p] = true
	}
	return len(seen)
}

func main() { run(os.Stdout) }
