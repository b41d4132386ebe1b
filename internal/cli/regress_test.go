package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func execute(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, errb.String()
}

// $FANOUT_NATS is for the jobs whose items are data; thumbs, whose
// workers must see this machine's files, ignores it and goes to the
// cluster only with an explicit --nats.
func TestThumbsIgnoresNATSFromEnvironment(t *testing.T) {
	t.Setenv("FANOUT_NATS", "nats://127.0.0.1:1")
	src := filepath.Join("..", "..", "testdata", "images", "ladybird.jpg")
	if code, stderr := execute(t, "thumbs", "-q", "-o", t.TempDir(), src); code != 0 {
		t.Fatalf("with $FANOUT_NATS: exit %d, stderr %q", code, stderr)
	}
	if code, stderr := execute(t, "thumbs", "--nats", "nats://127.0.0.1:1", "-o", t.TempDir(), src); code != ExitFailed || !strings.Contains(stderr, "connect to nats://127.0.0.1:1") {
		t.Fatalf("with --nats: exit %d, stderr %q; want 1 saying it cannot reach the broker", code, stderr)
	}
}

// A file that cannot be read is a failure (1), not "no input" (2).
func TestUnreadableInputIsNotEmptyInput(t *testing.T) {
	for _, job := range []string{"primes", "titles"} {
		code, stderr := execute(t, job, "-f", t.TempDir())
		if code != ExitFailed || !strings.Contains(stderr, "is a directory") || strings.Contains(stderr, "empty") {
			t.Errorf("%s -f DIR: exit %d, stderr %q; want 1 naming the read error only", job, code, stderr)
		}
	}
}
