package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/title"
)

// The --resume journal of `fanout titles` is a text file with one line
// per finished URL, "URL<TAB>RESULT", RESULT being "ok" or the class of
// the failure and its HTTP status ("http_status 404"); a URL with a
// control character, or starting with '"' or '#', is quoted as a Go
// string. Lines starting with '#' are comments. A URL is finished when
// its outcome is an answer (title.Definitive): a title, 404, no_title,
// bad_url...; a timeout, a reset, a connect error (refused too), a 5xx, a
// 408 or 429 is not, and is fetched again by the next run.
//
// Lines are appended and fsynced in batches, every journalBatch URLs or
// journalEvery, whichever comes first, and when the run ends (Ctrl-C
// included). A URL is written only once its line is out of fanout's
// stdout buffer, and a failed URL only once its error line has been
// printed too (at the next result, or at the end): the journal never
// holds a URL whose output a crash lost; a crash can at worst have a URL
// printed in both runs. The last line of a file cut by a crash has no
// newline: it is ignored and cut off before new lines are appended.
const (
	journalBatch = 256
	journalEvery = time.Second
	journalHead  = "# fanout titles --resume journal: one finished URL a line, URL<TAB>ok, or the class of its failure and its HTTP status\n"
)

// titlesJournal is an open --resume journal: the URLs it held when the
// run started (as 128-bit hashes, whatever the URL's length: a million
// take about 35 MB), and the URLs of this run waiting to be written.
type titlesJournal struct {
	f       *os.File
	done    map[[16]byte]struct{}
	empty   bool         // no line yet: the header goes first
	skipped atomic.Int64 // inputs skipped as done

	out      *deliveredWriter // what of stdout has been written out
	buffered func() int       // stdout's bytes not yet written out
	warn     func(format string, args ...any)

	mu      sync.Mutex
	pending []journalEntry // in output order
	staged  *journalEntry  // a failure whose error line is not printed yet
	broken  atomic.Bool    // a write failed: nothing more is written
	err     error          // the first write error; only the writer touches it

	kick          chan struct{}
	quit, stopped chan struct{}
}

// journalEntry is one line to write, once stdout has been written out up
// to offset.
type journalEntry struct {
	line   string
	offset int64
}

// openJournal opens (or creates) the journal at path and reads the URLs
// it holds. The caller must call watch before the run and finish after.
func openJournal(path string, warn func(string, ...any)) (*titlesJournal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("resume journal: %w", err)
	}
	if created { // so that the file itself survives a crash
		if d, err := os.Open(filepath.Dir(path)); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	j := &titlesJournal{f: f, done: map[[16]byte]struct{}{}, warn: warn,
		kick: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{})}
	end, size, err := j.load()
	if err == nil && size > end { // a torn last line: cut it off
		if err = f.Truncate(end); err == nil {
			err = f.Sync()
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("resume journal: %w", err)
	}
	j.empty = end == 0
	return j, nil
}

// load reads the journal's URLs and returns the offset just past its last
// whole line, and the file's size.
func (j *titlesJournal) load() (end, size int64, err error) {
	br := bufio.NewReaderSize(j.f, 64<<10)
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line, long = append(long, line...), nil
		}
		size += int64(len(line))
		if err == io.EOF {
			return end, size, nil
		}
		if err != nil {
			return 0, 0, err
		}
		end = size
		j.add(line[:len(line)-1])
	}
}

// add notes the URL of one journal line as done. A line that is not one
// (a comment, or garbage) is ignored.
func (j *titlesJournal) add(line []byte) {
	u, _, ok := bytes.Cut(line, []byte("\t"))
	if !ok || len(u) == 0 || u[0] == '#' {
		return
	}
	s := string(u)
	if s[0] == '"' {
		var err error
		if s, err = strconv.Unquote(s); err != nil {
			return
		}
	}
	j.done[journalKey(s)] = struct{}{}
}

// journalLine is the line of a finished URL: "URL<TAB>RESULT\n", the URL
// quoted when it has a control character or starts like a quoted URL or a
// comment.
func journalLine(u, result string) string {
	if strings.ContainsFunc(u, unicode.IsControl) || strings.HasPrefix(u, `"`) || strings.HasPrefix(u, "#") {
		u = strconv.Quote(u)
	}
	return u + "\t" + result + "\n"
}

// journalKey is what the journal keeps of a URL: 128 bits of its SHA-256.
func journalKey(u string) [16]byte {
	sum := sha256.Sum256([]byte(u))
	return [16]byte(sum[:16])
}

// watch makes g's stdout count what it writes out, for the journal, and
// starts the writer. The returned function puts stdout back.
func (j *titlesJournal) watch(g *Globals) (restore func()) {
	orig := g.Stdout
	j.out = &deliveredWriter{w: orig}
	g.Stdout = bufio.NewWriterSize(j.out, 64<<10)
	g.jsonEncoder = nil
	j.buffered = g.Stdout.Buffered
	go j.writer()
	return func() {
		_ = g.Stdout.Flush() // already flushed by Drive; nothing is lost
		g.Stdout, g.jsonEncoder = orig, nil
	}
}

// filter skips the inputs that the journal holds, and counts them.
func (j *titlesJournal) filter(in iter.Seq[urlLine]) iter.Seq[urlLine] {
	if j == nil || len(j.done) == 0 {
		return in
	}
	return func(yield func(urlLine) bool) {
		for l := range in {
			if l.err == nil {
				if _, ok := j.done[journalKey(urlName(l.url))]; ok {
					j.skipped.Add(1)
					continue
				}
			}
			if !yield(l) {
				return
			}
		}
	}
}

// record notes a result that Emit has just written, if it is an answer.
// It runs on Drive's sink, after Emit: stdout's offset is where this
// result's output ends.
func (j *titlesJournal) record(r engine.Result[urlLine, title.Page], p title.Page) {
	if j == nil || r.In.err != nil || j.broken.Load() || !title.Definitive(p, r.Err) {
		return // a bad line has no URL: it fails again, without a fetch
	}
	result := "ok"
	if r.Err != nil {
		result = string(p.Error)
		if p.Status != 0 {
			result += " " + strconv.Itoa(p.Status)
		}
	}
	e := journalEntry{journalLine(urlName(r.In.url), result), j.out.n.Load() + int64(j.buffered())}
	j.mu.Lock()
	defer j.mu.Unlock()
	if r.Err != nil {
		j.staged = &e // Drive prints its error line after Emit
		return
	}
	j.pending = append(j.pending, e)
	if len(j.pending) >= journalBatch {
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
}

// settle releases the staged failure: Drive has printed its error line
// by the time the next result is emitted, or the run ends.
func (j *titlesJournal) settle() {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.staged != nil {
		j.pending = append(j.pending, *j.staged)
		j.staged = nil
	}
}

// writer writes the pending entries every journalEvery, or sooner when a
// batch is full, until quit.
func (j *titlesJournal) writer() {
	defer close(j.stopped)
	tick := time.NewTicker(journalEvery)
	defer tick.Stop()
	for {
		select {
		case <-j.quit:
			return
		case <-j.kick:
		case <-tick.C:
		}
		j.write()
	}
}

// write appends, in one write and one fsync, the pending entries whose
// output is out. Only the writer calls it, and finish once it stopped.
func (j *titlesJournal) write() {
	out := j.out.n.Load()
	j.mu.Lock()
	k := 0
	for k < len(j.pending) && j.pending[k].offset <= out {
		k++
	}
	batch := j.pending[:k:k]
	j.pending = j.pending[k:]
	j.mu.Unlock()
	if len(batch) == 0 || j.err != nil {
		return
	}
	var b strings.Builder
	if j.empty {
		b.WriteString(journalHead)
	}
	for _, e := range batch {
		b.WriteString(e.line)
	}
	_, err := j.f.WriteString(b.String())
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		j.err = fmt.Errorf("resume journal: %w", err)
		j.broken.Store(true)
		j.warn("fanout: %v; URLs that finish from now on are not recorded", j.err)
		return
	}
	j.empty = false
}

// finish writes what is left once the run is over (Drive has flushed
// stdout), closes the journal, says how many URLs were skipped and
// returns the run's error: none for a run of only skipped URLs, which
// Drive took for an empty input, and a failure when the journal could
// not be written.
func (j *titlesJournal) finish(g *Globals, runErr error, noInput string) error {
	close(j.quit)
	<-j.stopped
	j.settle()
	j.write()
	if err := j.f.Close(); err != nil && j.err == nil {
		j.err = fmt.Errorf("resume journal: %w", err)
		g.Warnf("fanout: %v", j.err)
	}
	var usage *UsageError
	skipped := j.skipped.Load()
	if skipped > 0 && errors.As(runErr, &usage) && usage.Msg == noInput {
		runErr = nil
	}
	if skipped > 0 && !g.Quiet {
		g.Warnf("%d URLs already done (--resume), skipped", skipped)
	}
	if j.err != nil && (runErr == nil || errors.As(runErr, &usage)) {
		runErr = errReported{j.err}
	}
	return runErr
}

// deliveredWriter writes through to w at once and counts the bytes that
// got out.
type deliveredWriter struct {
	w *bufio.Writer
	n atomic.Int64
}

func (d *deliveredWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	if err == nil {
		err = d.w.Flush()
	}
	if err != nil {
		return n, err
	}
	d.n.Add(int64(n))
	return n, nil
}
