// Command fanout runs batch work concurrently: image thumbnails, primality
// checks and web page titles. See the README or 'fanout help'.
package main

import (
	"context"
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
		// The first signal stops the run cleanly. A second Ctrl-C quits at
		// once; a repeated SIGTERM does not (GNU timeout and service
		// managers may send more than one), since the clean stop is bounded.
		if s := <-sig; s == os.Interrupt {
			cancel(cli.ErrInterrupted) // the command says it is stopping
		} else {
			cancel(cli.ErrTerminated)
		}
		for s := range sig {
			if s == os.Interrupt {
				os.Exit(cli.ExitInterrupted)
			}
		}
	}()
	code := cli.Execute(ctx, cli.OSEnv(), os.Args[1:])
	cancel(nil)
	os.Exit(code)
}
