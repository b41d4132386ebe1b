package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/thumb"
)

func init() { decoderInfo = append(decoderInfo, thumb.Decoders) }

// thumbsOptions are the flags of `fanout thumbs`.
type thumbsOptions struct {
	OutDir    string
	Sizes     string
	Format    string
	Quality   int
	Template  string
	MaxPixels int64
	NoRotate  bool
	Force     bool
	Recursive bool
	Index     bool
	PureGo    bool
	MemoryMiB int64
	// KeepProfile copies the source's ICC profile instead of converting to sRGB.
	KeepProfile bool
	Include     []string
	Exclude     []string
	FilesFrom   string
	Null        bool
	DryRun      bool
	// Store names a folder every worker sees at that path: see thumb.Settings.Store.
	Store string
}

func (o *thumbsOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.OutDir, "output", "o", "thumbnails", "folder to write thumbnails into (created if missing)")
	f.StringVarP(&o.Sizes, "sizes", "s", "32,64,128", "boxes to fit thumbnails in: N for N×N, WxH for W×H, comma-separated")
	f.StringVar(&o.Format, "format", "png", "output format: png, jpeg or webp (lossy with libwebp, libwebp.so.7, else lossless)")
	f.IntVar(&o.Quality, "quality", thumb.DefaultQuality, "JPEG and lossy WebP quality, 1-100")
	f.StringVar(&o.Template, "name", thumb.DefaultTemplate, "output file name: {stem} source name without extension, {ext} its extension, {w} {h} the box, {fmt} png, jpg or webp")
	f.Int64Var(&o.MaxPixels, "max-pixels", thumb.DefaultMaxPixels, "refuse images with more pixels than this, read from the header before decoding (negative: no limit)")
	f.BoolVar(&o.NoRotate, "no-rotate", false, "keep pixels as stored: ignore the EXIF orientation")
	f.BoolVar(&o.Force, "force", false, "remake thumbnails even when they are newer than their source")
	f.BoolVarP(&o.Recursive, "recursive", "r", false, "walk folders all the way down, mirroring the tree under the output folder")
	f.BoolVar(&o.Index, "index", false, "write index.html, a contact sheet of the thumbnails, in the output folder")
	f.BoolVar(&o.PureGo, "pure-go", false, "decode JPEGs with Go's decoder even when libjpeg-turbo is present")
	f.BoolVar(&o.KeepProfile, "keep-profile", false, "keep the pixels as they are and copy the source's ICC profile into the thumbnails, instead of converting them to sRGB (a profile that does not fit the output, such as CMYK, is still dropped)")
	f.StringArrayVar(&o.Include, "include", nil, "in folders, take only files whose name matches this pattern (e.g. '*.jpg'); repeatable")
	f.StringArrayVar(&o.Exclude, "exclude", nil, "in folders, leave out files whose name matches this pattern (e.g. '*_raw.*'); repeatable")
	f.StringVarP(&o.FilesFrom, "files-from", "f", "", "read more paths from FILE ('-' for stdin), one per line")
	f.BoolVarP(&o.Null, "null", "0", false, "with --files-from: paths are separated by NUL bytes, as find -print0 writes them")
	f.BoolVarP(&o.DryRun, "dry-run", "n", false, "print what would be made, decode and write nothing")
	f.StringVar(&o.Store, "store", "", "`URL` where the sources and the output folder are for every worker, so that only names travel: a file:///folder every worker sees at that path (a shared file system), or s3://bucket/prefix?endpoint=http://host:port&region=R (credentials from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY on each machine), where PATHs and -o name objects under the prefix")
	f.Int64Var(&o.MemoryMiB, "memory", 256, "aim to stay within this many MiB: large decodes wait for each other, and Go's garbage collector works to this soft limit less libjpeg-turbo's share (unless GOMEMLIMIT is set)")
}

func newThumbsCmd(g *Globals) *cobra.Command {
	var o thumbsOptions
	cmd := &cobra.Command{
		Use:   "thumbs [PATH ...]",
		Short: "Make thumbnails of images (PNG by default) fitted in 32, 64 and 128 px boxes",
		Long: `Make thumbnails of every image in the given files, folders and glob
patterns (default: the folder "images"), one per size, written to the
output folder as {stem}_{w}_{h}.png, where {w} and {h} are the box's size
(as the Python notes fanout grew from named them), not the thumbnail's.

Each thumbnail fits inside its box with the aspect ratio kept and is
never enlarged; its size equals that of Pillow's Image.thumbnail after
the EXIF orientation is applied. Files are recognised by content, not by
extension; each is decoded once, JPEGs shrunk while decoding when
libjpeg-turbo (libturbojpeg.so.0) is present. Images larger than
--max-pixels are refused from their header, before any decoding.

Colours are converted to sRGB, and thumbnails carry no ICC profile, when
the source has a matrix/TRC RGB or grey profile (Adobe RGB, Display P3,
ProPhoto, camera and phone profiles); --keep-profile leaves the pixels as
they are and copies the profile instead. Other profiles (CMYK, LUT-based)
are not applied, and are written only where their colour space fits the
output; a line on stderr says when one was dropped, and why.

Thumbnails not older than their source, and made with the same settings
(sizes, format, quality, orientation, colour), are skipped (--force redoes
them), so a run stopped with Ctrl-C finishes the rest when run again. Every file is
written to a temporary name and renamed: none is ever half-written. Two
sources that would write the same thumbnail (a.jpg and a.png) are
reported before any work and nothing is done.

With --nats URL the images are made by 'fanout worker' processes, with
these settings, on machines that need not see this one's files: each
source that is not up to date is uploaded, streamed, to the broker's
object store, a worker makes its thumbnails, and they come back to be
written here, each atomically, exactly as a local run writes them. A
source that changes meanwhile is reported and not written. thumbs ignores
$FANOUT_NATS: only the flag sends a photo library through the broker.

With --store the sources and thumbnails stay where every worker reaches
them, and only their names travel: a shared folder (file:///mnt/photos),
or an S3 bucket (s3://photos/2026?endpoint=http://10.0.0.5:9000), whose
PATHs and -o are names under the prefix ("." for all of it). In a bucket
each thumbnail is one whole object, and it is up to date when it was made
with these settings from the bytes the source holds now (its ETag).

` + exitCodesHelp,
		Example: `  fanout thumbs images/
  fanout thumbs -r -o thumbs -s 64,256x128 photos/ 'more/*.jpg'
  fanout thumbs --format jpeg --quality 80 --index images/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runThumbs(cmd.Context(), g, o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// runThumbs runs the thumbs job; tests call it without cobra.
func runThumbs(ctx context.Context, g *Globals, o thumbsOptions, args []string) error {
	if !g.natsFlag {
		g.NATS = "" // thumbs ignores $FANOUT_NATS: its workers must see this machine's files
	}
	boxes, err := thumb.ParseBoxes(o.Sizes)
	if err != nil {
		return Usagef("usage: %v", err)
	}
	format, err := thumb.ParseFormat(o.Format)
	if err != nil {
		return Usagef("usage: %v", err)
	}
	if o.Quality < 1 || o.Quality > 100 {
		return Usagef("usage: --quality must be from 1 to 100, not %d", o.Quality)
	}
	if o.MaxPixels == 0 {
		return Usagef("usage: --max-pixels must not be 0")
	}
	if o.MemoryMiB < 64 {
		return Usagef("usage: --memory must be at least 64 (MiB), not %d", o.MemoryMiB)
	}
	if o.FilesFrom != "" {
		more, err := readPathList(g, o.FilesFrom, o.Null)
		if err != nil {
			return err
		}
		args = append(args, more...)
		if len(args) == 0 {
			return Usagef("no images: %s names no files", o.FilesFrom)
		}
	} else if o.Null {
		return Usagef("usage: -0 goes with --files-from FILE")
	}
	if len(args) == 0 {
		args = []string{"images"}
	}
	settings := thumb.Settings{
		Sizes: boxes, Format: format, Quality: o.Quality, MaxPixels: o.MaxPixels,
		NoRotate: o.NoRotate, PureGo: o.PureGo, Force: o.Force, MemoryMiB: o.MemoryMiB, KeepProfile: o.KeepProfile,
		OutDir: o.OutDir, Template: o.Template, Recursive: o.Recursive, Index: o.Index,
		Include: o.Include, Exclude: o.Exclude, Store: o.Store,
	}
	root, err := "", error(nil)
	if !thumb.InBucket(settings) {
		if root, err = thumb.StoreRoot(o.Store); err != nil {
			return Usagef("usage: --store: %v", err)
		}
	}
	plan, err := prepareThumbs(ctx, settings, args)
	if err != nil {
		return err
	}
	if len(plan.Collisions) > 0 {
		for _, c := range plan.Collisions {
			g.Warnf("%s: same thumbnail names as %s (both would write %s)", shown(c.SrcB), shown(c.SrcA), shown(c.Out))
		}
		return Usagef("%d output name collisions, nothing was done: name outputs apart with --name, e.g. --name '{stem}.{ext}_{w}_{h}.{fmt}'", len(plan.Collisions))
	}
	for _, p := range plan.Problems {
		g.Warnf("%s: %v", shown(p.Path), p.Err)
	}
	if plan.SkippedFolders > 0 && !g.Quiet {
		g.Warnf("%d subfolders left out (-r walks them)", plan.SkippedFolders)
	}
	if len(plan.Items) == 0 {
		for _, p := range plan.Problems {
			if !errors.Is(p.Err, thumb.ErrNoMatch) { // named above: a failed input, not an empty one
				return errReported{&FailedError{Failed: len(plan.Problems), Total: len(plan.Problems), Noun: "inputs"}}
			}
		}
		return Usagef("no images: no files found in %s", strings.Join(args, ", "))
	}

	if o.DryRun {
		return dryRun(g, plan)
	}
	if !thumb.InBucket(settings) {
		if err := writable(settings.OutDir); err != nil {
			return err
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	job, client, doneRemote, err := bindClient(ctx, g, thumb.Job, settings, thumbsDisplay{Dir: cwd, JSON: g.JSON})
	if err != nil {
		return err
	}
	defer doneRemote()
	inputs, name := plan.Items, func(it thumb.Item) string { return it.Src }
	if root != "" {
		if inputs, err = storeItems(plan.Items, root); err != nil {
			return err
		}
		given := make(map[string]string, len(inputs))
		for i, it := range inputs {
			given[it.Src] = plan.Items[i].Src
		}
		name = func(it thumb.Item) string { return given[it.Src] }
	} else if thumb.InBucket(settings) && client != nil {
		// Items name objects already: the workers read and write them.
	} else if client != nil {
		// The workers cannot see this machine's files: each source goes
		// up to the broker's object store, and its thumbnails come back.
		job.Run = thumb.Shipped(settings, client.Files(), job.Run)
	} else if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(thumb.SoftMemoryLimit(settings)))
	}
	show := &thumbsShow{g: g}
	err = Drive(ctx, g, Task[thumb.Item, thumb.Done]{
		Job:     job,
		Inputs:  slices.Values(inputs),
		Total:   len(inputs),
		Noun:    "images",
		NoInput: "no images: no files found in " + strings.Join(args, ", "),
		Failed:  len(plan.Problems),
		Name:    name,
		Emit: func(r engine.Result[thumb.Item, thumb.Done], _ *Report) error {
			r.In = plan.Items[r.Index] // as given, whatever went to the workers
			if r.Err == nil {
				plan.Record(r.In)
			}
			return show.emit(r)
		},
	})
	if ierr := plan.Finish(); ierr != nil {
		g.Warnf("%v", ierr)
		if err == nil {
			err = errReported{ierr}
		}
	}
	show.summary()
	if show.made+show.skipped == 0 && show.notImage == len(plan.Items) && len(plan.Problems) == 0 {
		return Usagef("no images: none of the %d files in %s is an image", show.notImage, strings.Join(args, ", "))
	}
	return err
}

// thumbsDisplay is how a thumbs run shows its results beyond its job
// settings, kept in a cluster run's record for fanout wait: the folder
// the run's relative paths are in, and --json.
type thumbsDisplay struct {
	Dir  string `json:"dir"`
	JSON bool   `json:"json,omitempty"`
}

// thumbsShow prints the results of a thumbs run and counts them.
type thumbsShow struct {
	g                       *Globals
	made, skipped, notImage int
}

func (s *thumbsShow) emit(r engine.Result[thumb.Item, thumb.Done]) error {
	g, it := s.g, r.In
	if r.Err != nil {
		if errors.Is(r.Err, thumb.ErrNotImage) || errors.Is(r.Err, thumb.ErrEmpty) {
			s.notImage++
		}
		if g.JSON {
			return g.WriteJSON(map[string]string{"src": it.Src, "error": r.Err.Error()})
		}
		return nil
	}
	d := r.Out
	d.Src = it.Src
	for i := range d.Thumbs {
		d.Thumbs[i].Path = it.Outs[i]
	}
	if d.Skipped {
		s.skipped++
	} else {
		s.made++
	}
	if d.Warning != "" {
		g.Warnf("%s: warning: %s", shown(it.Src), d.Warning)
	}
	if g.JSON {
		return g.WriteJSON(d)
	}
	return printDone(g, d)
}

func (s *thumbsShow) summary() {
	if s.skipped > 0 && !s.g.Quiet {
		s.g.Warnf("%d of them up to date, skipped (--force remakes them)", s.skipped)
	}
}

// prepareThumbs plans the run: files and folders of this machine, or
// names in the bucket of --store s3://….
func prepareThumbs(ctx context.Context, s thumb.Settings, args []string) (*thumb.Plan, error) {
	if !thumb.InBucket(s) {
		plan, err := thumb.Prepare(s, args)
		if err != nil {
			return nil, Usagef("usage: %v", err)
		}
		return plan, nil
	}
	plan, err := thumb.PrepareBucket(ctx, s, args)
	var se *engine.SettingsError
	switch {
	case errors.As(err, &se):
		return nil, Usagef("usage: %v", err)
	case err != nil:
		return nil, fmt.Errorf("--store: %w", err)
	}
	return plan, nil
}

// storeItems returns items named relative to root, the folder of
// --store; a source or output outside it is a usage error.
func storeItems(items []thumb.Item, root string) ([]thumb.Item, error) {
	rel := func(p string) (string, error) {
		abs, err := filepath.Abs(p)
		if err == nil {
			p, err = filepath.Rel(root, abs)
		}
		if err != nil || !filepath.IsLocal(p) {
			return "", Usagef("usage: %s is not inside the --store folder %s", shown(abs), shown(root))
		}
		return p, nil
	}
	out := make([]thumb.Item, len(items))
	for i, it := range items {
		src, err := rel(it.Src)
		if err != nil {
			return nil, err
		}
		outs := make([]string, len(it.Outs))
		for j, o := range it.Outs {
			if outs[j], err = rel(o); err != nil {
				return nil, err
			}
		}
		out[i] = thumb.Item{Src: src, Outs: outs, Size: it.Size}
	}
	return out, nil
}

func printDone(g *Globals, d thumb.Done) error {
	if d.Skipped {
		_, err := fmt.Fprintf(g.Stdout, "%s: up to date\n", shown(d.Src))
		return err
	}
	var b strings.Builder
	for i, t := range d.Thumbs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%dx%d", t.Width, t.Height)
	}
	_, err := fmt.Fprintf(g.Stdout, "%s: %s (%s, %s)\n", shown(d.Src), b.String(), d.Format, d.Decoder)
	return err
}
