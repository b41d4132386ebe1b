package thumb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/s3store"
)

// DefaultTemplate names each thumbnail as fanout's Python notes did: the source's name
// without extension, the box's width and height, and the output format's
// extension, e.g. "cat_128_128.png".
const DefaultTemplate = "{stem}_{w}_{h}.{fmt}"

// ErrNoMatch is the Problem of a pattern that matches no file.
var ErrNoMatch = errors.New("no files match this pattern")

// Problem is an input that could not become an Item: a path that does not
// exist, a pattern that matches nothing (ErrNoMatch), a folder that cannot
// be read.
type Problem struct {
	Path string
	Err  error
}

// Plan is a thumbs run planned by Prepare: the items to make and what could
// not become one. Record and Finish make the contact sheet afterwards.
type Plan struct {
	Settings Settings  // the run's settings
	Items    []Item    // largest source first, so that no worker is left with a big file at the end
	Problems []Problem // inputs that could not be listed
	// Collisions lists each pair of sources that would write the same
	// output path (the first such path), e.g. a.jpg and a.png both giving
	// a_32_32.png. A run must not start while it is non-empty.
	Collisions []Collision
	// SkippedFolders counts the subfolders left out because
	// Settings.Recursive is off.
	SkippedFolders int

	made   []indexEntry
	bucket *s3store.Store // where the thumbnails are, for a plan of PrepareBucket
}

// Record notes that the thumbnails of it are on disk, made or up to date,
// for the contact sheet. It is not safe for concurrent use: call it from
// the goroutine that receives results.
func (p *Plan) Record(it Item) {
	if p.Settings.Index {
		p.made = append(p.made, indexEntry{Src: it.Src, Thumbs: it.Outs})
	}
}

// Finish ends the run: with Settings.Index it writes index.html in the
// output folder, showing every recorded item in name order (in the
// bucket, for a plan of PrepareBucket, within indexTimeout).
func (p *Plan) Finish() error {
	if !p.Settings.Index || len(p.made) == 0 {
		return nil
	}
	slices.SortFunc(p.made, func(a, b indexEntry) int { return strings.Compare(a.Src, b.Src) })
	out := cmp.Or(p.Settings.OutDir, DefaultOutDir)
	if p.bucket != nil {
		page, err := renderIndex(path.Clean(out), p.made)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), indexTimeout)
		defer cancel()
		return p.bucket.Put(ctx, path.Join(path.Clean(out), "index.html"), page, "text/html; charset=utf-8", nil)
	}
	return writeIndex(out, p.made)
}

// indexTimeout bounds the writing of a contact sheet into a bucket.
const indexTimeout = time.Minute

// Collision is an output path claimed by two sources.
type Collision struct {
	Out        string
	SrcA, SrcB string
}

func (c Collision) Error() string {
	return fmt.Sprintf("%s and %s would both write %s", c.SrcA, c.SrcB, c.Out)
}

// CheckTemplate reports an unknown {placeholder} in a name template.
func CheckTemplate(t string) error {
	rest := t
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("thumb: unclosed { in name template %q", t)
		}
		switch rest[i : i+j+1] {
		case "{stem}", "{ext}", "{w}", "{h}", "{fmt}":
		default:
			return fmt.Errorf("thumb: unknown %s in name template %q: use {stem}, {ext}, {w}, {h}, {fmt}", rest[i:i+j+1], t)
		}
		rest = rest[i+j+1:]
	}
	if strings.ContainsAny(t, `/\`) {
		return fmt.Errorf("thumb: name template %q must not contain a path separator", t)
	}
	return nil
}

// Name renders template for the source file name src, box b and format f.
func Name(template, src string, b Box, f Format) string {
	base := filepath.Base(src)
	ext := filepath.Ext(base)
	return strings.NewReplacer(
		"{stem}", strings.TrimSuffix(base, ext),
		"{ext}", strings.TrimPrefix(ext, "."),
		"{w}", strconv.Itoa(b.W),
		"{h}", strconv.Itoa(b.H),
		"{fmt}", f.Ext(),
	).Replace(template)
}

// Prepare is the planning step of a thumbs run, the same for a local run
// and a cluster submitter: it validates s, expands paths (files, folders,
// glob patterns) into Items with their output paths, finds the collisions
// among them, and orders them largest first. A path that matches nothing
// or cannot be read is a Problem, not an error: the rest goes on. The
// error is a *engine.SettingsError for invalid settings.
func Prepare(s Settings, paths []string) (*Plan, error) {
	if err := s.Validate(); err != nil {
		return nil, &engine.SettingsError{Job: Job.Name, Err: err}
	}
	pl := &Plan{Settings: s}
	out := cmp.Or(s.OutDir, DefaultOutDir)
	tmpl := cmp.Or(s.Template, DefaultTemplate)
	boxes := s.boxes()
	outAbs, _ := filepath.Abs(out)
	for _, arg := range paths {
		if abs, _ := filepath.Abs(arg); abs == outAbs {
			if st, err := os.Stat(arg); err == nil && st.IsDir() {
				return nil, &engine.SettingsError{Job: Job.Name, Err: fmt.Errorf("%s is also the output folder (-o): thumbnails would be mixed with their sources, and taken for sources next time", arg)}
			}
		}
	}
	add := newAdder(pl, out, tmpl, boxes, func(src string) string { abs, _ := filepath.Abs(src); return abs })
	for _, arg := range paths {
		matches := []string{arg}
		if _, err := os.Lstat(arg); err != nil && strings.ContainsAny(arg, "*?[") {
			m, gerr := filepath.Glob(arg)
			if gerr != nil || len(m) == 0 {
				pl.Problems = append(pl.Problems, Problem{arg, ErrNoMatch})
				continue
			}
			matches = m
		}
		for _, path := range matches {
			st, err := os.Stat(path)
			switch {
			case err != nil:
				pl.Problems = append(pl.Problems, Problem{path, unwrapPath(err)})
			case st.IsDir():
				walk(path, outAbs, s, pl, add)
			case !st.Mode().IsRegular():
				pl.Problems = append(pl.Problems, Problem{path, fmt.Errorf("%w (%s)", ErrNotRegular, fileKind(st.Mode()))})
			default:
				add(path, "", st.Size())
			}
		}
	}
	slices.SortStableFunc(pl.Items, func(a, b Item) int { return cmp.Compare(b.Size, a.Size) })
	return pl, nil
}

// newAdder returns the function that adds one source to pl: src, found
// in the folder rel (relative to the folder walked) and of size bytes,
// gets an output in out/rel per box, named by tmpl, unless another source
// claimed that name first (a Collision). A source whose key (its absolute
// path, for files) was added before is left out.
func newAdder(pl *Plan, out, tmpl string, boxes []Box, key func(src string) string) func(src, rel string, size int64) {
	seen := map[string]bool{}    // sources, by key
	owner := map[string]string{} // output path → source
	clashed := map[[2]string]bool{}
	return func(src, rel string, size int64) {
		k := key(src)
		if seen[k] {
			return
		}
		seen[k] = true
		it := Item{Src: src, Size: size}
		for _, b := range boxes {
			o := filepath.Join(out, rel, Name(tmpl, src, b, pl.Settings.Format))
			if prev, ok := owner[o]; ok {
				if !clashed[[2]string{prev, src}] {
					clashed[[2]string{prev, src}] = true
					pl.Collisions = append(pl.Collisions, Collision{Out: o, SrcA: prev, SrcB: src})
				}
				continue
			}
			owner[o] = src
			it.Outs = append(it.Outs, o)
		}
		pl.Items = append(pl.Items, it)
	}
}

// wanted says whether a file found in a folder is taken: its name matches
// an Include pattern (when there are any) and no Exclude pattern.
func wanted(name string, s Settings) bool {
	for _, pat := range s.Exclude {
		if ok, _ := filepath.Match(pat, name); ok {
			return false
		}
	}
	if len(s.Include) == 0 {
		return true
	}
	for _, pat := range s.Include {
		if ok, _ := filepath.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// walk adds the files of folder root: its direct files, or when recursive
// the whole tree, mirrored under the output folder. Hidden files and
// folders and the output folder itself are left out.
func walk(root, outAbs string, s Settings, pl *Plan, add func(src, rel string, size int64)) {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			pl.Problems = append(pl.Problems, Problem{path, unwrapPath(err)})
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if abs, _ := filepath.Abs(path); abs == outAbs {
				return filepath.SkipDir
			}
			if path != root && !s.Recursive {
				pl.SkippedFolders++
				return filepath.SkipDir
			}
			return nil
		}
		if !wanted(d.Name(), s) {
			return nil
		}
		st, err := os.Stat(path) // follows symbolic links
		if err != nil {
			pl.Problems = append(pl.Problems, Problem{path, unwrapPath(err)})
			return nil
		}
		if !st.Mode().IsRegular() { // a pipe, a device, a socket: named once
			pl.Problems = append(pl.Problems, Problem{path, fmt.Errorf("%w (%s)", ErrNotRegular, fileKind(st.Mode()))})
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		add(path, rel, st.Size())
		return nil
	})
	if err != nil {
		pl.Problems = append(pl.Problems, Problem{root, err})
	}
}

// unwrapPath drops the path from a *fs.PathError: the caller names it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
