package thumb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// Uploads is where Shipped puts sources for workers that cannot see this
// machine's files; cluster.Files is one.
type Uploads interface {
	// Put stores under name, replacing a file of that name, what the
	// reader open gives; it may call open again to start over (after a
	// lost connection), and closes each reader it got.
	Put(ctx context.Context, name string, open func() (io.ReadCloser, error)) error
	// Delete removes the file called name, if it is there.
	Delete(ctx context.Context, name string) error
}

// ErrChanged is the error of a source that changed (size or modification
// time) while its thumbnails were being made elsewhere: they would be of
// neither version, so none is written.
var ErrChanged = errors.New("the source changed while its thumbnails were made")

// headPeek is how much of a source Shipped reads first, to refuse what
// is not an image without uploading it.
const headPeek = 64 << 10

// shipUploads is how many uploads Shipped runs at once.
const shipUploads = 4

// Shipped returns the function that makes the thumbnails of an Item on a
// machine that cannot see this one's files: run is Job, built with the
// same settings s, running there (cluster.Remote's function). For each
// Item it skips, here, thumbnails that are up to date (as Job does); else
// it uploads the source to up, streamed (never held whole), has run make
// the thumbnails of the upload (Item.Object), writes the encoded
// thumbnails that come back here, each atomically (see Save), and
// deletes the upload. A file that is no image, or is above
// Settings.MaxPixels by its header, is refused before the upload. A
// source that changes while it is uploaded or made fails with ErrChanged,
// and nothing of it is written.
func Shipped(s Settings, up Uploads, run engine.Func[Item, Done]) engine.Func[Item, Done] {
	stamps := s.stamps()
	var names atomic.Uint64
	// A few uploads at a time, each at full speed, so that the first
	// sources reach workers at once rather than all of them late.
	uploading := make(chan struct{}, shipUploads)
	return func(ctx context.Context, it Item) (Done, error) {
		d := Done{Src: it.Src}
		f, st, err := openSource(it.Src)
		if err != nil {
			return d, err
		}
		defer f.Close()
		if !s.Force && upToDate(it.Outs, stamps, st) {
			d.Skipped = true
			for _, o := range it.Outs {
				d.Thumbs = append(d.Thumbs, writtenOf(o))
			}
			return d, nil
		}
		head := make([]byte, min(st.Size(), headPeek))
		if _, err := io.ReadFull(f, head); err != nil {
			return d, err
		}
		if _, err := checkHeader(head, s.MaxPixels); errors.Is(err, ErrNotImage) || errors.Is(err, ErrEmpty) || errors.Is(err, ErrTooLarge) {
			return d, err
		}
		name := strconv.FormatUint(names.Add(1), 36)
		if i, ok := engine.IndexOf(ctx); ok {
			name = strconv.Itoa(i) // the same name for the same item, should it be sent again
		}
		first := true
		open := func() (io.ReadCloser, error) {
			if !first { // starting over: the file from its first byte
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return nil, err
				}
				head = head[:0]
			}
			first = false
			body := io.LimitReader(io.MultiReader(bytes.NewReader(head), f), st.Size()+1)
			return io.NopCloser(ctxReader{ctx, body}), nil
		}
		select {
		case uploading <- struct{}{}:
		case <-ctx.Done():
			return d, ctx.Err()
		}
		err = up.Put(ctx, name, open)
		<-uploading
		defer func() {
			// Past the retention time the broker drops it anyway.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			_ = up.Delete(dctx, name)
			cancel()
		}()
		if err != nil {
			return d, err
		}
		if err := unchanged(it.Src, st); err != nil {
			return d, err
		}
		remote := it
		remote.Object, remote.Size = name, st.Size()
		got, err := run(ctx, remote)
		if err != nil {
			got.Src, got.Data = it.Src, nil
			return got, err
		}
		if err := unchanged(it.Src, st); err != nil {
			return d, err
		}
		return Save(it, got)
	}
}

// unchanged reports ErrChanged if the file at path no longer has the size
// and modification time of was.
func unchanged(path string, was os.FileInfo) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrChanged, err)
	}
	if st.Size() != was.Size() || !st.ModTime().Equal(was.ModTime()) {
		return fmt.Errorf("%w (size %d → %d bytes, modified %s)", ErrChanged, was.Size(), st.Size(), st.ModTime().Format(time.RFC3339))
	}
	return nil
}

// Save writes the encoded thumbnails of d (Done.Data, made for an Item
// with an Object) to it.Outs, each atomically, and returns d without
// them. An output that already holds the very same bytes is left as it
// is: a result saved twice (by a submitter, then by fanout wait) writes
// each thumbnail once.
func Save(it Item, d Done) (Done, error) {
	data := d.Data
	d.Src, d.Data, d.Thumbs = it.Src, nil, nil
	if len(data) != len(it.Outs) {
		return d, fmt.Errorf("thumb: %d thumbnails came back for %d outputs", len(data), len(it.Outs))
	}
	for i, out := range it.Outs {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data[i]))
		if err != nil {
			return d, fmt.Errorf("thumb: thumbnail %s came back damaged: %w", out, err)
		}
		if old, err := os.ReadFile(out); err != nil || !bytes.Equal(old, data[i]) {
			if err := writeAtomic(out, func(w io.Writer) error { _, err := w.Write(data[i]); return err }); err != nil {
				return d, err
			}
		}
		d.Thumbs = append(d.Thumbs, Written{Path: out, Width: cfg.Width, Height: cfg.Height})
	}
	return d, nil
}

// shipped makes the thumbnails of an uploaded source, on a worker: it
// reads the source from the runner's files, and returns the encoded
// thumbnails in Done.Data instead of writing them.
//
// The upload is fetched into a file of this machine before a core is
// taken, and read from there (the page cache) once one is: a core held
// while the broker sends a source would sit idle for the time of the
// download (a fifth of a core's time, on the bench). A fetch keeps its
// place among mk.fetching until its item has a core, so that at most one
// source per core waits fetched; they wait on disk, not in memory.
func (mk *maker) shipped(ctx context.Context, it Item) (Done, error) {
	d := Done{Src: it.Src}
	files, ok := engine.FilesFrom(ctx)
	if !ok {
		return d, errors.New("thumb: the source was uploaded for a cluster worker, and this runner has no files")
	}
	select {
	case mk.fetching <- struct{}{}:
	case <-ctx.Done():
		return d, ctx.Err()
	}
	src, err := fetch(ctx, files, it)
	if err != nil {
		<-mk.fetching
		return d, err
	}
	defer src.Close()
	select {
	case mk.cores <- struct{}{}:
		<-mk.fetching
		defer func() { <-mk.cores }()
	case <-ctx.Done():
		<-mk.fetching
		return d, ctx.Err()
	}
	data, err := readBounded(ctx, src, it.Size)
	switch {
	case errors.Is(err, ErrGrew):
		return d, fmt.Errorf("thumb: the upload has more than its %d bytes", it.Size)
	case err != nil:
		return d, err
	case int64(len(data)) != it.Size:
		return d, fmt.Errorf("thumb: the upload has %d of its %d bytes", len(data), it.Size)
	}
	set, err := mk.make(ctx, data, it)
	if err != nil {
		return d, err
	}
	d.Format, d.Decoder, d.Warning = set.Format, set.Decoder, set.Warning
	d.Data, d.Thumbs, err = mk.encodeAll(ctx, set, it)
	return d, err
}

// encodeAll encodes the thumbnails of set, each stamped, for the outputs
// of it, in memory.
func (mk *maker) encodeAll(ctx context.Context, set *Set, it Item) ([][]byte, []Written, error) {
	var data [][]byte
	var ws []Written
	for i, t := range set.Thumbs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var b bytes.Buffer
		enc := mk.Encoder
		enc.Stamp = mk.stamp(i)
		if err := enc.Encode(&b, t, set.Gray, set.ICC); err != nil {
			return nil, nil, fmt.Errorf("encode %s: %w", it.Outs[i], err)
		}
		data = append(data, b.Bytes())
		ws = append(ws, Written{Path: it.Outs[i], Width: t.Rect.Dx(), Height: t.Rect.Dy()})
	}
	return data, ws, nil
}

// fetch reads the upload of it into a temporary file, whose name is gone
// at once (the file with its last descriptor, whatever becomes of the
// process), and returns it open at its start. Where no temporary file can
// be made, the upload itself is returned, to be read as it comes. The
// size is checked as the copy is read.
func fetch(ctx context.Context, files engine.Files, it Item) (io.ReadCloser, error) {
	r, err := files.Open(ctx, it.Object)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "fanout-upload-*")
	if err != nil {
		return r, nil
	}
	tmp := &tempFile{File: f, removed: os.Remove(f.Name()) == nil}
	// One byte more than its size, for readBounded to see that it grew.
	_, err = io.Copy(tmp, io.LimitReader(ctxReader{ctx, r}, it.Size+1))
	r.Close()
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		return nil, err
	}
	return tmp, nil
}

// tempFile is a temporary file removed, at the latest, when closed (a
// system that cannot remove an open file).
type tempFile struct {
	*os.File
	removed bool
}

func (t *tempFile) Close() error {
	err := t.File.Close()
	if !t.removed {
		os.Remove(t.File.Name())
	}
	return err
}

// ctxReader is a reader that stops when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
