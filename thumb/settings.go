package thumb

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/fanout-dev/fanout/internal/s3store"
	"github.com/fanout-dev/fanout/internal/turbo"
)

// DefaultMemoryMiB is the memory, in MiB, that a thumbs run aims to stay
// within when Settings.MemoryMiB is zero.
const DefaultMemoryMiB = 256

// DefaultOutDir is the folder thumbnails go to when Settings.OutDir is
// empty.
const DefaultOutDir = "thumbnails"

// Settings are the settings of Job and of Prepare, its planning step. The
// zero value makes the notes' 32, 64 and 128 pixel PNG thumbnails, named by
// DefaultTemplate, in DefaultOutDir, of images up to DefaultMaxPixels,
// upright, within DefaultMemoryMiB, with libjpeg-turbo when it is present.
type Settings struct {
	// Sizes are the boxes to fit thumbnails in; nil means DefaultBoxes.
	Sizes []Box `json:"sizes,omitempty"`
	// Format is the output format; empty means PNG.
	Format Format `json:"format,omitempty"`
	// Quality is the JPEG and lossy WebP quality, 1 to 100; zero means
	// DefaultQuality.
	Quality int `json:"quality,omitempty"`
	// MaxPixels refuses, from the header, an image with more pixels than
	// this. Zero means DefaultMaxPixels; negative means no limit.
	MaxPixels int64 `json:"max_pixels,omitempty"`
	// NoRotate keeps the pixels as stored, ignoring EXIF orientation.
	NoRotate bool `json:"no_rotate,omitempty"`
	// PureGo never uses libjpeg-turbo, even when it is present.
	PureGo bool `json:"pure_go,omitempty"`
	// KeepProfile keeps the pixels as they are and copies the source's ICC
	// profile into the thumbnails, instead of converting them to sRGB; a
	// profile that does not fit the output's colour space is still dropped.
	KeepProfile bool `json:"keep_profile,omitempty"`
	// Force remakes thumbnails that are up to date: not older than their
	// source, and stamped with these settings (see Encoder.Stamp).
	Force bool `json:"force,omitempty"`
	// MemoryMiB is the memory a process making thumbnails aims to stay
	// within: decodes wait for each other to fit in it (see Job). Zero
	// means DefaultMemoryMiB; otherwise at least 64.
	MemoryMiB int64 `json:"memory_mib,omitempty"`

	// Store, when set, is where every machine running the job finds the
	// sources and puts the thumbnails, and Items name them relative to
	// it; the job touches nothing outside it. Empty: Items hold paths of
	// the machine that runs the job.
	//
	// A file:///folder URL names a folder every machine sees at that path
	// (a shared file system). An s3://bucket/prefix?endpoint=…&region=…
	// URL names objects of an S3 bucket (see internal/s3store for the URL
	// and the credentials); plan its Items with PrepareBucket. In a
	// bucket a thumbnail is up to date when it was made with the same
	// settings from the very bytes the source holds now (its ETag).
	Store string `json:"store,omitempty"`

	// OutDir is the folder Prepare names outputs in; empty means
	// DefaultOutDir.
	OutDir string `json:"out_dir,omitempty"`
	// Template names each output (see Name); empty means DefaultTemplate.
	Template string `json:"template,omitempty"`
	// Recursive walks folders all the way down, mirroring the tree under
	// OutDir; otherwise only a folder's own files are taken.
	Recursive bool `json:"recursive,omitempty"`
	// Index writes index.html, a contact sheet, in OutDir when the run ends
	// (see Plan.Finish).
	Index bool `json:"index,omitempty"`
	// Include, when set, keeps only the files found in folders whose
	// name matches one of these patterns (filepath.Match, e.g. "*.jpg");
	// Exclude leaves out those matching one of its own. Files named
	// directly are always taken. Prepare applies them; a worker never
	// needs them.
	Include []string `json:"-"`
	Exclude []string `json:"-"`
}

// Validate reports a setting out of its range, naming it.
func (s Settings) Validate() error {
	var errs []error
	for _, pat := range slices.Concat(s.Include, s.Exclude) {
		if _, err := filepath.Match(pat, ""); err != nil {
			errs = append(errs, fmt.Errorf("pattern %q: %w", pat, err))
		}
	}
	for i, b := range s.Sizes {
		if b.W < 1 || b.H < 1 || b.W > maxBox || b.H > maxBox {
			errs = append(errs, fmt.Errorf("size %v: want sides from 1 to %d", b, maxBox))
		}
		if slices.Contains(s.Sizes[:i], b) {
			errs = append(errs, fmt.Errorf("size %v given twice", b))
		}
	}
	if s.Sizes != nil && len(s.Sizes) == 0 {
		errs = append(errs, errors.New("no sizes"))
	}
	switch s.Format {
	case "", PNG, JPEG, WebP:
	default:
		errs = append(errs, fmt.Errorf("format %q: want png, jpeg or webp", s.Format))
	}
	if s.Quality < 0 || s.Quality > 100 {
		errs = append(errs, fmt.Errorf("quality %d: want 1 to 100", s.Quality))
	}
	if s.MemoryMiB != 0 && s.MemoryMiB < 64 {
		errs = append(errs, fmt.Errorf("memory %d MiB: want at least 64", s.MemoryMiB))
	}
	if inBucket(s.Store) {
		if _, err := s3store.Parse(s.Store); err != nil {
			errs = append(errs, err)
		}
	} else if _, err := StoreRoot(s.Store); err != nil {
		errs = append(errs, err)
	}
	if err := CheckTemplate(s.Template); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// boxes returns the sizes to make.
func (s Settings) boxes() []Box {
	if len(s.Sizes) == 0 {
		return DefaultBoxes
	}
	return s.Sizes
}

func (s Settings) options() Options {
	return Options{Boxes: s.boxes(), MaxPixels: s.MaxPixels, NoRotate: s.NoRotate, PureGo: s.PureGo, KeepProfile: s.KeepProfile}
}

func (s Settings) memory() int64 { return cmp.Or(s.MemoryMiB, DefaultMemoryMiB) << 20 }

// decodeBudget is the share of the memory, in bytes, that the decodes in
// flight of one process may hold: what is left after 48 MiB for the
// program and 24 MiB per core for files read whole and their thumbnails,
// and at least a quarter.
func (s Settings) decodeBudget() int64 {
	mib := s.memory() >> 20
	return max(mib-48-24*int64(runtime.GOMAXPROCS(0)), mib/4) << 20
}

// SoftMemoryLimit is the limit to give Go's garbage collector
// (runtime/debug.SetMemoryLimit) in a process that makes thumbnails with
// settings s: the memory of Settings.MemoryMiB, less what libjpeg-turbo
// may hold outside Go's heap when it is in use.
func SoftMemoryLimit(s Settings) int64 {
	limit := s.memory()
	if ok, _ := turbo.Available(); ok && !s.PureGo {
		limit = max(limit-s.decodeBudget(), limit/4)
	}
	return limit
}

// StoreRoot returns the folder a Settings.Store URL names ("" for none).
func StoreRoot(store string) (string, error) {
	if store == "" {
		return "", nil
	}
	u, err := url.Parse(store)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") || u.RawQuery != "" || !filepath.IsAbs(u.Path) {
		return "", fmt.Errorf("store %q: want file:///absolute/folder, a folder every worker sees at that path", store)
	}
	return filepath.Clean(u.Path), nil
}
