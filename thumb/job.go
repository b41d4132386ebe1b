package thumb

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/fanout-dev/fanout/engine"
)

// Item is one source image and the thumbnails to make of it, one output
// path per size of Settings.Sizes, in the same order. Prepare makes them.
type Item struct {
	Src  string   `json:"src"`
	Outs []string `json:"outs"`
	Size int64    `json:"size"` // the source's size in bytes, for ordering
	// Object, when set, names the source in the files the runner offers
	// (engine.FilesFrom): a cluster worker's copy of a file uploaded by
	// Shipped. The thumbnails then come back in Done.Data, in the order
	// of Outs, and nothing is written here; Size bounds the read.
	Object string `json:"object,omitempty"`
}

// Written is one thumbnail on disk.
type Written struct {
	Path   string `json:"path"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Done is what was done for one Item.
type Done struct {
	Src     string    `json:"src"`
	Skipped bool      `json:"skipped,omitempty"` // every thumbnail was newer than the source
	Format  string    `json:"format,omitempty"`  // the source's format, found by content
	Decoder string    `json:"decoder,omitempty"` // libjpeg-turbo or go
	Thumbs  []Written `json:"thumbs,omitempty"`
	Warning string    `json:"warning,omitempty"` // why the source's ICC profile was dropped (Set.Warning)
	// Data holds the encoded thumbnails, one per output, for an Item
	// with an Object; Save writes them.
	Data [][]byte `json:"data,omitempty"`
}

// Job makes the thumbnails of one Item, unless all of them are up to date
// and Settings.Force is not set: not older than the source, and stamped
// with the settings that shape their pixels and file (format, quality,
// size, orientation, colour handling; see Encoder.Stamp), so that a re-run
// with other settings remakes them. Each file is written to a temporary
// file beside it and renamed, so none is ever half-written.
//
// The function it builds holds the memory budget of Settings.MemoryMiB
// for the items it runs at once: before decoding, an item reserves the
// memory its decode takes, estimated from the image's header (an item
// larger than three quarters of the budget counts as that much), and waits
// while the items being decoded leave too little. Its default concurrency
// is one worker per core: the work is CPU-bound.
var Job = &engine.Def[Settings, Item, Done]{
	Name:    "thumbs",
	Version: 3, // 2: Settings.KeepProfile, Done.Warning; 3: Format webp, settings stamps
	New: func(s Settings) (engine.Func[Item, Done], error) {
		mk := &maker{
			Options: s.options(),
			Encoder: Encoder{Format: s.Format, Quality: s.Quality},
			force:   s.Force,
			budget:  newBudget(s.decodeBudget()),
			memory:  s.memory(),
			cores:   make(chan struct{}, runtime.GOMAXPROCS(0)),
		}
		mk.fetching = make(chan struct{}, cap(mk.cores))
		mk.stamps = s.stamps()
		if inBucket(s.Store) {
			bk, err := openBucket(s.Store)
			if err != nil {
				return nil, err
			}
			return mk.fromBucket(bk), nil
		}
		root, err := StoreRoot(s.Store)
		if err != nil {
			return nil, err
		}
		if root != "" {
			return func(ctx context.Context, it Item) (Done, error) {
				in, err := inStore(root, it)
				if err != nil {
					return Done{Src: it.Src}, err
				}
				select { // a worker's -j may be more than its cores
				case mk.cores <- struct{}{}:
				case <-ctx.Done():
					return Done{Src: it.Src}, ctx.Err()
				}
				d, err := mk.run(ctx, in)
				<-mk.cores
				d.Src = it.Src
				for i := range d.Thumbs {
					d.Thumbs[i].Path = it.Outs[i]
				}
				return d, err
			}, nil
		}
		return mk.run, nil
	},
}

// maker turns Items into thumbnail files.
type maker struct {
	Options
	Encoder
	force  bool
	stamps []string // of each box's thumbnails, in the order of Options.Boxes
	budget *budget
	memory int64 // Settings.MemoryMiB, in bytes; 0: no limit
	// cores holds one place per core for the items of a cluster worker
	// (uploads, or names in a Settings.Store): its -j may be more than
	// its cores, and each item would hold its source whole.
	cores chan struct{}
	// fetching holds one place per core for the uploads being fetched,
	// or fetched and waiting for a core (see shipped).
	fetching chan struct{}
}

// inStore turns the names of it, relative to the store's root, into
// paths; a name that would leave the root is refused.
func inStore(root string, it Item) (Item, error) {
	local := func(name string) (string, error) {
		if !filepath.IsLocal(name) {
			return "", fmt.Errorf("thumb: %q is not a name inside the store %s", name, root)
		}
		return filepath.Join(root, name), nil
	}
	in := it
	var err error
	if in.Src, err = local(it.Src); err != nil {
		return in, err
	}
	in.Outs = make([]string, len(it.Outs))
	for i, o := range it.Outs {
		if in.Outs[i], err = local(o); err != nil {
			return in, err
		}
	}
	return in, nil
}

// stamps are the stamps of the thumbnails of each size, in order.
func (s Settings) stamps() []string {
	lossy := false
	if s.Format == WebP {
		lossy, _ = WebPLossy()
	}
	var stamps []string
	for _, b := range s.boxes() {
		stamps = append(stamps, s.stamp(b, lossy))
	}
	return stamps
}

func (mk *maker) run(ctx context.Context, it Item) (Done, error) {
	if it.Object != "" {
		return mk.shipped(ctx, it)
	}
	d := Done{Src: it.Src}
	st, err := os.Stat(it.Src)
	if err != nil {
		return d, err
	}
	if !mk.force && upToDate(it.Outs, mk.stamps, st) {
		d.Skipped = true
		for _, o := range it.Outs {
			d.Thumbs = append(d.Thumbs, writtenOf(o))
		}
		return d, nil
	}
	data, err := readSource(ctx, it.Src)
	if err != nil {
		return d, err
	}
	set, err := mk.make(ctx, data, it)
	if err != nil {
		return d, err
	}
	d.Format, d.Decoder, d.Warning = set.Format, set.Decoder, set.Warning
	for i, t := range set.Thumbs {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		if err := mk.write(it.Outs[i], t, set, mk.stamp(i)); err != nil {
			return d, err
		}
		d.Thumbs = append(d.Thumbs, Written{Path: it.Outs[i], Width: t.Rect.Dx(), Height: t.Rect.Dy()})
	}
	return d, nil
}

// make makes the thumbnails of one source read whole, within the memory
// budget, for the outputs of it.
func (mk *maker) make(ctx context.Context, data []byte, it Item) (*Set, error) {
	need := decodeBytes(data, mk.Options)
	if mk.memory > 0 && need > mk.memory {
		// Decoding would take the process down (Go cannot recover from
		// running out of memory): this image fails alone.
		return nil, fmt.Errorf("%w: its decode needs about %s, more than the %s of --memory", ErrTooBig, sizeText(need), sizeText(mk.memory))
	}
	reserved, err := mk.budget.acquire(ctx, need)
	if err != nil {
		return nil, err
	}
	set, err := Make(data, mk.Options)
	mk.budget.release(reserved)
	if err != nil {
		return nil, err
	}
	if len(set.Thumbs) != len(it.Outs) {
		return nil, fmt.Errorf("thumb: %d output paths for %d sizes", len(it.Outs), len(set.Thumbs))
	}
	return set, nil
}

// writtenOf describes the thumbnail at path from its header; its size is
// zero when the header cannot be read.
func writtenOf(path string) Written {
	w := Written{Path: path}
	if f, err := os.Open(path); err == nil {
		if cfg, _, err := image.DecodeConfig(f); err == nil {
			w.Width, w.Height = cfg.Width, cfg.Height
		}
		f.Close()
	}
	return w
}

// stamp is the stamp of the thumbnails of box i; "" if there is none.
func (mk *maker) stamp(i int) string {
	if i < len(mk.stamps) {
		return mk.stamps[i]
	}
	return ""
}

// upToDate reports whether every output exists, is not older than the
// source, and carries the stamp of its settings (an output without one,
// made by an older fanout, is not up to date).
func upToDate(outs, stamps []string, src os.FileInfo) bool {
	if len(outs) != len(stamps) {
		return false
	}
	for i, o := range outs {
		st, err := os.Stat(o)
		if err != nil || st.ModTime().Before(src.ModTime()) {
			return false
		}
		if stamp, err := readStamp(o); err != nil || stamp != stamps[i] {
			return false
		}
	}
	return len(outs) > 0
}

// write encodes t, stamped with stamp, to path through a temporary file
// in the same folder.
func (mk *maker) write(path string, t *image.RGBA, set *Set, stamp string) error {
	enc := mk.Encoder
	enc.Stamp = stamp
	return writeAtomic(path, func(w io.Writer) error { return enc.Encode(w, t, set.Gray, set.ICC) })
}

// writeAtomic writes what fill writes to path through a temporary file in
// the same folder, renamed over path once complete: path is never seen
// half-written.
func writeAtomic(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	f, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer f.Close()
	renamed := false
	defer func() {
		if !renamed { // after the rename the name may be another writer's
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Renamed while still open, so that its lock (see createTemp) holds
	// until the file is in place.
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	renamed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
