package thumb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/s3store"
)

// The user metadata fanout keeps on each thumbnail in a bucket: the
// stamp of its settings (as in the file) and the ETag of the source bytes
// it was made from. A thumbnail is up to date when both match: the
// ETag, unlike a modification time, says which version of the source it
// shows, whatever the clocks.
const (
	metaStamp  = "fanout-stamp"
	metaSource = "fanout-source-etag"
)

// inBucket reports whether store names a bucket (s3://…).
func inBucket(store string) bool { return strings.HasPrefix(store, "s3:") }

// openBucket opens the bucket Settings.Store names.
func openBucket(store string) (*s3store.Store, error) {
	loc, err := s3store.Parse(store)
	if err != nil {
		return nil, err
	}
	return s3store.Open(loc)
}

// fromBucket returns the job's function for Items that name objects of bk
// (relative to its prefix): it reads each source from the bucket, skips
// it when every thumbnail is up to date (see metaSource), and writes the
// thumbnails back beside it, each a whole object or none.
func (mk *maker) fromBucket(bk *s3store.Store) engine.Func[Item, Done] {
	return func(ctx context.Context, it Item) (Done, error) {
		d := Done{Src: it.Src}
		for _, n := range append([]string{it.Src}, it.Outs...) {
			if err := s3store.Name(n); err != nil {
				return d, fmt.Errorf("thumb: %w", err)
			}
		}
		select { // a worker's -j may be more than its cores
		case mk.cores <- struct{}{}:
			defer func() { <-mk.cores }()
		case <-ctx.Done():
			return d, ctx.Err()
		}
		src, err := bk.Stat(ctx, it.Src)
		if err != nil {
			return d, err
		}
		if !mk.force {
			if ws, ok := mk.bucketUpToDate(ctx, bk, it, src.ETag); ok {
				d.Skipped, d.Thumbs = true, ws
				return d, nil
			}
		}
		r, got, err := bk.Open(ctx, it.Src)
		if err != nil {
			return d, err
		}
		// One GET is one version of the object, whatever is written
		// meanwhile: the thumbnails are of that version, and say so.
		data, err := readBounded(ctx, r, got.Size)
		r.Close()
		if err != nil {
			return d, err
		}
		set, err := mk.make(ctx, data, it)
		if err != nil {
			return d, err
		}
		d.Format, d.Decoder, d.Warning = set.Format, set.Decoder, set.Warning
		thumbs, ws, err := mk.encodeAll(ctx, set, it)
		if err != nil {
			return d, err
		}
		for i, b := range thumbs {
			meta := map[string]string{metaStamp: mk.stamp(i), metaSource: got.ETag}
			if err := bk.Put(ctx, it.Outs[i], b, mk.Format.mime(), meta); err != nil {
				return d, err
			}
			d.Thumbs = append(d.Thumbs, ws[i])
		}
		return d, nil
	}
}

// bucketUpToDate reports whether every output of it is in bk, made from
// the source version etag with this run's settings, and describes them.
func (mk *maker) bucketUpToDate(ctx context.Context, bk *s3store.Store, it Item, etag string) ([]Written, bool) {
	if len(it.Outs) != len(mk.stamps) || len(it.Outs) == 0 || etag == "" {
		return nil, false
	}
	var ws []Written
	for i, o := range it.Outs {
		in, err := bk.Stat(ctx, o)
		if err != nil || in.Meta[metaStamp] != mk.stamps[i] || in.Meta[metaSource] != etag {
			return nil, false
		}
		ws = append(ws, Written{Path: o})
	}
	return ws, true
}

// mime is the media type of thumbnails in format f.
func (f Format) mime() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case WebP:
		return "image/webp"
	}
	return "image/png"
}

// errBucketOnly is the error of a bucket operation asked of Settings
// that name no bucket.
var errBucketOnly = errors.New("thumb: the settings' Store is not an s3:// bucket")
