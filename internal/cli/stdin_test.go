package cli

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openTerminal returns the far side of a new pseudo-terminal: a file that
// is a terminal, as a user's stdin is.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { pts.Close() })
	return pts
}

// With a terminal on stdin and no input named, a command says how to give
// it input at once (status 2); it does not sit waiting for typing.
func TestTerminalStdinIsAUsageError(t *testing.T) {
	tty := openTerminal(t)
	for _, job := range []string{"primes", "titles"} {
		var out, errb strings.Builder
		done := make(chan int, 1)
		go func() {
			done <- Execute(context.Background(), Env{Stdin: tty, Stdout: &out, Stderr: &errb}, []string{job, "--progress", "never"})
		}()
		select {
		case code := <-done:
			if code != ExitUsage || !strings.Contains(errb.String(), "give them as arguments") {
				t.Errorf("%s: exit %d, stderr %q", job, code, errb.String())
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s waits on a terminal instead of saying what it needs", job)
		}
	}
}
