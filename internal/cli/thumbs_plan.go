package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fanout-dev/fanout/thumb"
)

// readPathList reads the paths of --files-from: one per line, or with -0
// one per NUL-ended record; empty ones are skipped.
func readPathList(g *Globals, name string, null bool) ([]string, error) {
	var r io.Reader = g.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("--files-from %s: %w", name, errors.Unwrap(err))
		}
		defer f.Close()
		r = f
	}
	sep := byte('\n')
	if null {
		sep = 0
	}
	br := bufio.NewReader(r)
	var paths []string
	for {
		rec, err := br.ReadBytes(sep)
		rec = bytes.TrimSuffix(rec, []byte{sep})
		if !null {
			rec = bytes.TrimSuffix(rec, []byte{'\r'})
		}
		if len(rec) > 0 {
			paths = append(paths, string(rec))
		}
		if err == io.EOF {
			return paths, nil
		}
		if err != nil {
			return nil, fmt.Errorf("--files-from %s: %w", name, err)
		}
	}
}

// writable checks, before any image is decoded, that thumbnails can be
// written into dir (made if missing): a read-only folder, a file in its
// place or a full disk is one line, not one failure per image.
func writable(dir string) error {
	dir = cmpOr(dir, thumb.DefaultOutDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: cannot make the output folder: %w", shown(dir), unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".fanout-write-test*")
	if err != nil {
		return fmt.Errorf("%s: cannot write thumbnails there: %w", shown(dir), unwrapPath(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// dryRun prints what a run of plan would make, and makes nothing.
func dryRun(g *Globals, plan *thumb.Plan) error {
	outs := 0
	for _, it := range plan.Items {
		outs += len(it.Outs)
		if g.JSON {
			if err := g.WriteJSON(struct {
				Src  string   `json:"src"`
				Outs []string `json:"outputs"`
			}{it.Src, it.Outs}); err != nil {
				return err
			}
			continue
		}
		quoted := make([]string, len(it.Outs))
		for i, o := range it.Outs {
			quoted[i] = shown(filepath.Clean(o))
		}
		if _, err := fmt.Fprintf(g.Stdout, "%s -> %s\n", shown(it.Src), strings.Join(quoted, " ")); err != nil {
			return err
		}
	}
	if !g.Quiet {
		g.Warnf("dry run: %d images, %d thumbnails would be made or checked; nothing was read or written", len(plan.Items), outs)
	}
	if len(plan.Problems) > 0 {
		return errReported{&FailedError{Failed: len(plan.Problems), Total: len(plan.Problems) + len(plan.Items), Noun: "inputs"}}
	}
	return nil
}
