// Command fanout runs batch work concurrently: image thumbnails, primality
// checks and web page titles. See the README or 'fanout help'.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/fanout-dev/fanout/internal/cli"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal stops the run cleanly; a second one quits.
		if s := <-sig; s == os.Interrupt {
			fmt.Fprintln(os.Stderr, "\nfanout: stopping; press Ctrl-C again to quit at once")
		}
		cancel(cli.ErrInterrupted)
		<-sig
		os.Exit(cli.ExitInterrupted)
	}()
	code := cli.Execute(ctx, cli.OSEnv(), os.Args[1:])
	cancel(nil)
	os.Exit(code)
}
