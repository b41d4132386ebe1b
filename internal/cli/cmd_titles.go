package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/title"
)

// titlesOptions are the flags of `fanout titles`.
type titlesOptions struct {
	Concurrency    int
	PerHost        int
	Rate           float64
	HostRate       float64
	Insecure       bool
	ConnectTimeout time.Duration
	HeaderTimeout  time.Duration
	Timeout        time.Duration
	MaxBytes       int64
	MaxRedirects   int
	Ordered        bool
	TitleOnly      bool
	Files          []string
	Resume         string
}

// titlesDisplay is how a titles run shows its results beyond its job
// settings: what fanout wait needs to show them the same way.
type titlesDisplay struct {
	Ordered   bool `json:"ordered,omitempty"`
	TitleOnly bool `json:"title_only,omitempty"`
	JSON      bool `json:"json,omitempty"`
}

// defaultTitleRetries is --retries for titles unless given: transient
// failures (connect errors but a refused connection, 429, 502, 503, 504)
// get two more attempts.
const defaultTitleRetries = 2

func (o *titlesOptions) AddFlags(f *pflag.FlagSet) {
	f.IntVarP(&o.Concurrency, "concurrency", "c", 100, "requests in flight at once (the same as -j)")
	f.IntVar(&o.PerHost, "per-host", 0, "requests in flight at once to one host (0: no bound beyond -c)")
	f.Float64Var(&o.Rate, "rate", 0, "requests started per second over all hosts (0: unlimited)")
	f.Float64Var(&o.HostRate, "host-rate", 0, "requests started per second to one host (0: unlimited)")
	f.BoolVarP(&o.Insecure, "insecure", "k", false, "do not verify TLS certificates")
	f.DurationVar(&o.ConnectTimeout, "connect-timeout", title.DefaultConnectTimeout, "time to connect, TLS handshake included")
	f.DurationVar(&o.HeaderTimeout, "header-timeout", title.DefaultHeaderTimeout, "time from request sent to response headers")
	f.DurationVar(&o.Timeout, "timeout", title.DefaultTimeout, "time for one whole attempt: redirects, headers and body")
	f.Int64Var(&o.MaxBytes, "max-bytes", title.DefaultMaxBytes, "bytes of body read per page at most, after decompression")
	f.IntVar(&o.MaxRedirects, "max-redirects", title.DefaultMaxRedirects, "redirects followed at most (loops are caught at once)")
	f.BoolVar(&o.Ordered, "ordered", false, "print results in input order (default: as they complete)")
	f.BoolVarP(&o.TitleOnly, "title-only", "t", false, "print the title alone, without the URL (as the Python notes did)")
	f.StringArrayVarP(&o.Files, "file", "f", nil, "read URLs from FILE, one per line ('-' for stdin); repeatable")
	f.StringVar(&o.Resume, "resume", "", "journal of finished URLs in FILE: skip those it holds, add those that finish")
}

func newTitlesCmd(g *Globals) *cobra.Command {
	var o titlesOptions
	cmd := &cobra.Command{
		Use:   "titles [URL ...]",
		Short: "Fetch web pages and print the title of each",
		Long: `Fetch every URL and print its title as URL<TAB>TITLE, one line per page,
in completion order (--ordered: input order). URLs come from the arguments
and from files given with -f, or else from standard input, one per line;
blank lines and lines starting with # are skipped, and a bare host such as
example.com or example.com:8080/path gets https://; any other scheme
(mailto:, javascript:, ftp://) is a bad_url. A byte order mark at the start
of an input is skipped; a line over 1 MiB fails on its own ("urls.txt:
line 2: too long") and reading goes on. Input is streamed: a list of any
length starts at once and uses constant memory.

Titles are the first <title> of the document outside <svg>, with entities
decoded and whitespace collapsed, read with a real HTML tokenizer. The
character set comes from a byte order mark, the Content-Type header, a
<meta> declaration in the first 1,024 bytes, or else a statistical guess
(GBK/GB18030, Shift_JIS, EUC-KR, Big5, windows-1251, Latin-1, ...) and
finally windows-1252; output is always valid UTF-8.

One HTTP client is shared by all requests: keep-alive, HTTP/2 where
offered, gzip, deflate and brotli, TLS verified unless --insecure. Each
page costs at most --max-bytes (reading stops at </title>), at most
--max-redirects redirects (a loop fails at once), and at most --timeout.
Any title within --max-bytes is found, after scripts of any size. Transient
failures (connect errors, HTTP 429, 502, 503, 504) are retried --retries
times (default 2 here) with backoff, honouring Retry-After; a refused
connection is an answer, not retried.

A failed URL is one line "URL: class: reason" on stderr. A page whose
status is not 2xx fails with class http_status, and with its title when it
is HTML:   URL: http_status: HTTP 404 Not Found (title "Page not found")
With --json every URL gives one object: url, final_url, status, title
(also that of a non-2xx page), content_type, charset, bytes_read, ms,
error, where error is a class: bad_url, dns, connect, tls,
timeout, reset, http_status, too_many_redirects, redirect_loop, not_html,
decode, no_title, body_too_large. An empty title is no_title, "the <title>
is empty"; a body that breaks off before </title> fails (decode, reset...),
as text after a decode error is never a title. URLs in flight when Ctrl-C
stops the run are neither printed nor counted as failed.

--resume FILE keeps a journal of finished URLs, so that a long list run
again fetches only what is missing: URLs in FILE are skipped (neither
fetched nor printed; the summary says how many) and each URL that
finishes is added, in batches fsynced every 256 URLs or every second and
at the end, Ctrl-C included. Finished means answered: a title, or a
failure that a new fetch would give again (bad_url, not_html, no_title,
body_too_large, decode, tls, redirect errors, dns "no such host", HTTP
3xx/4xx but 408 and 429). Timeouts, resets, connect errors (refused too),
other dns errors, 5xx, 408 and 429 are fetched again. A torn last line
after a crash is ignored. The journal does not record the flags: to fetch
again with other settings, give another FILE.

` + exitCodesHelp,
		Example: `  fanout titles example.com https://go.dev
  fanout titles -f urls.txt --ordered > titles.tsv
  cat urls.txt | fanout titles --json -c 200 --per-host 8 --timeout 10s`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("retries") {
				g.Retries = defaultTitleRetries
			}
			if cmd.Flags().Changed("jobs") && !cmd.Flags().Changed("concurrency") {
				o.Concurrency = g.Jobs
			}
			return runTitles(cmd.Context(), g, o, args)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// runTitles runs the titles job; tests call it without cobra.
func runTitles(ctx context.Context, g *Globals, o titlesOptions, args []string) error {
	if o.Concurrency < 1 || o.MaxBytes < 1 || o.MaxRedirects < 0 {
		return Usagef("usage: -c must be at least 1, --max-redirects must not be negative, --max-bytes must be positive")
	}
	if o.ConnectTimeout <= 0 || o.HeaderTimeout <= 0 || o.Timeout <= 0 {
		return Usagef("usage: timeouts must be positive")
	}
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = -1 // Config: negative means none
	}
	settings := title.Config{
		Insecure: o.Insecure, ConnectTimeout: o.ConnectTimeout, HeaderTimeout: o.HeaderTimeout,
		Timeout: o.Timeout, MaxRedirects: maxRedirects, MaxBytes: o.MaxBytes,
		PerHost: o.PerHost, Rate: o.Rate, HostRate: o.HostRate, MaxIdlePerHost: max(o.Concurrency, 16),
	}
	if err := settings.Validate(); err != nil {
		return Usagef("usage: %v", err)
	}
	files := o.Files
	if len(args) == 0 && len(files) == 0 {
		if stdinIsTerminal(g.Stdin) {
			return Usagef("usage: no URLs: give them as arguments, with -f FILE, or on stdin")
		}
		files = []string{"-"}
	}
	readers, unopened, closeAll := openInputs(g, files)
	defer closeAll()
	in := &urlInput{args: args, readers: readers}

	job, doneRemote, err := bind(ctx, g, title.Job, settings, titlesDisplay{Ordered: o.Ordered, TitleOnly: o.TitleOnly, JSON: g.JSON})
	if err != nil {
		return err
	}
	defer doneRemote()
	var j *titlesJournal
	if o.Resume != "" {
		if j, err = openJournal(o.Resume, g.Warnf); err != nil {
			return err
		}
		defer j.watch(g)()
	}
	g.Jobs = o.Concurrency // -c sets the concurrency of this job
	err = Drive(ctx, g, Task[urlLine, title.Page]{
		Job:     lineJob(job),
		Inputs:  j.filter(in.All()),
		Ordered: o.Ordered,
		Noun:    "URLs",
		NoInput: titlesNoInput,
		Name:    urlLine.String,
		Emit: func(r engine.Result[urlLine, title.Page], _ *Report) error {
			j.settle()
			if err := emitTitle(g, o, r); err != nil {
				return err
			}
			j.record(r, resultPage(r))
			return nil
		},
	})
	if j != nil {
		err = j.finish(g, err, titlesNoInput)
	}
	if in.err != nil && !errors.Is(in.err, ErrInterrupted) {
		g.Warnf("%v", in.err)
		var usage *UsageError
		if err == nil || errors.As(err, &usage) { // a read error is no "empty input"
			err = errReported{in.err}
		}
	}
	return inputsFailed(err, unopened)
}

// emitTitle writes one result: a JSON object for every URL with --json,
// else URL<TAB>TITLE (or the title alone) for each page that has one.
// Drive writes nothing for a URL cancelled in flight.
func emitTitle(g *Globals, o titlesOptions, r engine.Result[urlLine, title.Page]) error {
	p := resultPage(r)
	if g.JSON {
		return g.WriteJSON(p)
	}
	if r.Err != nil {
		return nil
	}
	var err error
	if o.TitleOnly {
		_, err = fmt.Fprintln(g.Stdout, p.Title)
	} else {
		_, err = fmt.Fprintf(g.Stdout, "%s\t%s\n", p.URL, p.Title)
	}
	return err
}

// resultPage is the Page of a result, with its URL and its error's class
// filled in when the job left them out.
func resultPage(r engine.Result[urlLine, title.Page]) title.Page {
	p := r.Out
	if p.URL == "" && r.In.err == nil {
		p.URL = urlName(r.In.url)
	}
	if r.Err != nil && p.Error == "" {
		p.Error, p.Detail = title.ClassOf(r.Err), r.Err.Error()
	}
	return p
}

// titlesNoInput is the message of a run whose input held no URL.
const titlesNoInput = "no URLs: the input held none (blank lines and # comments are skipped)"

// urlName names an input in error lines: its URL as fetched when it is one.
func urlName(in string) string {
	if u, err := title.Normalize(in); err == nil {
		return u
	}
	return strings.TrimSpace(in)
}

// maxURLLine is the longest input line taken as a URL; a longer one fails
// on its own.
const maxURLLine = 1 << 20

// utf8BOM is the byte order mark Windows editors put at the start of a
// file; it is skipped at the start of each input.
var utf8BOM = []byte("\xef\xbb\xbf")

// urlLine is one input of titles: a URL as given, or a line of an input
// that cannot be one.
type urlLine struct {
	url  string
	name string // names a bad line: "urls.txt: line 2", or "line 2" on stdin
	err  error  // why the line is no URL; nil for a URL
}

// String names the input in error lines: its URL as fetched when it is
// one, or the bad line's source and number.
func (l urlLine) String() string {
	if l.err != nil {
		return l.name
	}
	return urlName(l.url)
}

// lineJob is job on urlLines: a bad line fails at once, with class
// bad_url, and goes neither to the job nor to a cluster worker.
func lineJob(job engine.Job[string, title.Page]) engine.Job[urlLine, title.Page] {
	return engine.Job[urlLine, title.Page]{Name: job.Name, Workers: job.Workers, Indexed: job.Indexed,
		Run: func(ctx context.Context, in urlLine) (title.Page, error) {
			if in.err != nil {
				return title.Page{Error: title.ClassBadURL, Detail: in.name + ": " + in.err.Error()}, in.err
			}
			return job.Run(ctx, in.url)
		}}
}

// urlInput streams URLs from the arguments, then from each reader, one per
// line, skipping blank lines and # comments. A line over maxURLLine is
// yielded as a bad line and reading goes on. A read error ends the stream
// and is kept in err.
type urlInput struct {
	args    []string
	readers []namedReader
	err     error
}

func (u *urlInput) All() iter.Seq[urlLine] {
	return func(yield func(urlLine) bool) {
		for _, a := range u.args {
			if !yield(urlLine{url: a}) {
				return
			}
		}
		for _, nr := range u.readers {
			lr := &lineReader{br: bufio.NewReaderSize(nr.r, 64<<10)}
			for {
				line, size, err := lr.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					u.err = fmt.Errorf("read URLs from %s: %w", nr.name, err)
					return
				}
				var in urlLine
				if size > maxURLLine {
					in = urlLine{name: lineName(nr.name, lr.n), err: fmt.Errorf("too long (%d bytes, at most %d MiB)", size, maxURLLine>>20)}
				} else if in.url = string(bytes.TrimSpace(line)); in.url == "" || in.url[0] == '#' {
					continue
				}
				if !yield(in) {
					return
				}
			}
		}
	}
}

// lineReader reads the lines of one input, each without its newline, with
// a byte order mark skipped at the start, and none kept past maxURLLine
// bytes. A last line without a newline is a line.
type lineReader struct {
	br   *bufio.Reader
	long []byte // gathers a line longer than br's buffer
	n    int    // the number of the last line read, from 1
}

// next returns the next line and its length in bytes. Of a line longer
// than maxURLLine only the length is meaningful. err is io.EOF after the
// last line, or the reader's error, and then the line it cut is dropped.
func (lr *lineReader) next() (line []byte, size int, err error) {
	line, err = lr.br.ReadSlice('\n')
	size = len(line)
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = lr.br.ReadSlice('\n')
			size += len(line)
			if len(lr.long) <= maxURLLine { // enough to hold any line not too long
				lr.long = append(lr.long, line...)
			}
		}
		line = lr.long
	}
	switch {
	case err == io.EOF && size == 0:
		return nil, 0, io.EOF
	case err != nil && err != io.EOF:
		return nil, 0, err
	}
	lr.n++
	if err == nil { // ReadSlice found the newline: it ends line, unless line was cut
		line, size = bytes.TrimSuffix(line, []byte("\n")), size-1
	}
	if lr.n == 1 && bytes.HasPrefix(line, utf8BOM) {
		line, size = line[len(utf8BOM):], size-len(utf8BOM)
	}
	return line, size, nil
}
