package thumb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/s3store"
)

// InBucket reports whether s keeps its sources and thumbnails in an S3
// bucket (Settings.Store is an s3:// URL): plan them with PrepareBucket.
func InBucket(s Settings) bool { return inBucket(s.Store) }

// PrepareBucket is Prepare for Settings whose Store is an s3:// bucket:
// paths name objects relative to the store's prefix, "folders" (names
// that go on after a slash), or patterns (path.Match) of names in one
// folder; "." is the whole prefix. The Items it gives name objects, as
// the job then reads and writes them, and Settings.OutDir is a folder of
// the bucket as well. Nothing is read but listings and object headers.
func PrepareBucket(ctx context.Context, s Settings, paths []string) (*Plan, error) {
	if err := s.Validate(); err != nil {
		return nil, &engine.SettingsError{Job: Job.Name, Err: err}
	}
	if !InBucket(s) {
		return nil, errBucketOnly
	}
	out := path.Clean(cmp.Or(s.OutDir, DefaultOutDir))
	if err := s3store.Name(out); err != nil {
		return nil, &engine.SettingsError{Job: Job.Name, Err: fmt.Errorf("output folder (-o): %w", err)}
	}
	bk, err := openBucket(s.Store)
	if err != nil {
		return nil, &engine.SettingsError{Job: Job.Name, Err: err}
	}
	pl := &Plan{Settings: s, bucket: bk}
	add := newAdder(pl, out, cmp.Or(s.Template, DefaultTemplate), s.boxes(), func(src string) string { return src })
	for _, arg := range paths {
		arg = strings.TrimSuffix(arg, "/")
		if arg == "" || arg == "." {
			if err := walkBucket(ctx, bk, "", out, s, pl, add); err != nil {
				return nil, err
			}
			continue
		}
		if err := s3store.Name(arg); err != nil {
			pl.Problems = append(pl.Problems, Problem{arg, err})
			continue
		}
		if arg == out {
			return nil, &engine.SettingsError{Job: Job.Name, Err: fmt.Errorf("%s is also the output folder (-o): thumbnails would be mixed with their sources, and taken for sources next time", arg)}
		}
		if strings.ContainsAny(path.Base(arg), "*?[") {
			if err := globBucket(ctx, bk, arg, pl, add); err != nil {
				return nil, err
			}
			continue
		}
		in, err := bk.Stat(ctx, arg)
		switch {
		case err == nil:
			add(arg, "", in.Size)
		case errors.Is(err, s3store.ErrNotFound):
			// Not an object: a folder, if any name goes on from it.
			n := len(pl.Items) + len(pl.Problems) + pl.SkippedFolders
			if err := walkBucket(ctx, bk, arg, out, s, pl, add); err != nil {
				return nil, err
			}
			if len(pl.Items)+len(pl.Problems)+pl.SkippedFolders == n && !listsAny(ctx, bk, arg+"/") {
				pl.Problems = append(pl.Problems, Problem{arg, fs.ErrNotExist})
			}
		default:
			return nil, err // the bucket cannot be reached or read: no plan
		}
	}
	slices.SortStableFunc(pl.Items, func(a, b Item) int { return cmp.Compare(b.Size, a.Size) })
	return pl, nil
}

// walkBucket adds the objects of folder dir ("" for the whole prefix), as
// walk does for a folder on disk: hidden names and the output folder are
// left out, and subfolders unless Settings.Recursive.
func walkBucket(ctx context.Context, bk *s3store.Store, dir, out string, s Settings, pl *Plan, add func(src, rel string, size int64)) error {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	for in, err := range bk.List(ctx, prefix, s.Recursive) {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(in.Name, prefix)
		if in.Name == out || strings.HasPrefix(in.Name, out+"/") || hiddenPath(rel) {
			continue
		}
		if in.Dir {
			pl.SkippedFolders++
			continue
		}
		if !wanted(path.Base(in.Name), s) || s3store.Name(in.Name) != nil {
			continue
		}
		add(in.Name, path.Dir(rel), in.Size)
	}
	return nil
}

// globBucket adds the objects of one folder whose names match pattern.
func globBucket(ctx context.Context, bk *s3store.Store, pattern string, pl *Plan, add func(src, rel string, size int64)) error {
	if _, err := path.Match(pattern, ""); err != nil {
		pl.Problems = append(pl.Problems, Problem{pattern, ErrNoMatch})
		return nil
	}
	prefix := ""
	if d := path.Dir(pattern); d != "." {
		prefix = d + "/"
	}
	found := false
	for in, err := range bk.List(ctx, prefix, false) {
		if err != nil {
			return err
		}
		if ok, _ := path.Match(pattern, in.Name); ok && !in.Dir {
			found = true
			add(in.Name, "", in.Size)
		}
	}
	if !found {
		pl.Problems = append(pl.Problems, Problem{pattern, ErrNoMatch})
	}
	return nil
}

// hiddenPath reports whether a name or one of its folders starts with a dot.
func hiddenPath(name string) bool {
	for part := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// listsAny reports whether any name starts with prefix.
func listsAny(ctx context.Context, bk *s3store.Store, prefix string) bool {
	for _, err := range bk.List(ctx, prefix, false) {
		return err == nil
	}
	return false
}
