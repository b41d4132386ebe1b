package title

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// Page is the result for one URL, successful or not. Its JSON form is one
// line of `fanout titles --json`.
type Page struct {
	URL         string `json:"url"`          // the URL fetched (after adding https:// to a bare host)
	FinalURL    string `json:"final_url"`    // the URL after redirects
	Status      int    `json:"status"`       // the final HTTP status; 0 without a response
	Title       string `json:"title"`        // the title, valid UTF-8; on failure "", but for a non-2xx HTML page's own
	ContentType string `json:"content_type"` // the Content-Type header
	Charset     string `json:"charset"`      // the encoding the title was decoded with
	BytesRead   int64  `json:"bytes_read"`   // body bytes read, after decompression
	MS          int64  `json:"ms"`           // milliseconds of the last attempt
	Error       Class  `json:"error"`        // the class of failure; "" on success
	Detail      string `json:"detail,omitempty"`
}

// Fetcher fetches pages and extracts their titles with one shared HTTP
// client. It is safe for concurrent use; make one per process.
type Fetcher struct {
	cfg    Config
	client *http.Client
	limit  *limiter
}

// New returns a Fetcher configured by c.
func New(c Config) *Fetcher {
	c = c.withDefaults()
	return &Fetcher{cfg: c, client: newClient(c), limit: newLimiter(c)}
}

// Job fetches one URL and returns its Page, with a Fetcher made once per
// run from the settings (so that the run's requests share its
// connections). Transient failures (connect errors other than a refused
// connection, 429, 502, 503, 504) are marked for the engine to retry,
// honouring Retry-After. Its default concurrency is 100 requests at once.
var Job = &engine.Def[Config, string, Page]{
	Name:    "titles",
	Version: 1,
	Workers: 100,
	New: func(c Config) (engine.Func[string, Page], error) {
		return New(c).Fetch, nil
	},
}

// Normalize turns an input line into an absolute http or https URL: a bare
// host such as example.com or example.com:8080/path gets https://. Any
// other scheme (mailto:, javascript:, ftp://) is an error.
func Normalize(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("empty URL")
	}
	if !hasScheme(s) {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return "", errors.New("no host")
	}
	return u.String(), nil
}

// hasScheme reports whether s begins with a URL scheme: a letter, then
// letters, digits, "+", "-" or ".", then ":". It does not when what
// follows the ":" is a port (at most 65535, then the end, "/", "?" or "#"),
// as in localhost:8080 or example.com:8080/path: that is a bare host.
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !isAlpha(s[0]) {
		return false
	}
	for j := 1; j < i; j++ {
		if c := s[j]; !isAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	rest := s[i+1:]
	if strings.HasPrefix(rest, "//") {
		return true
	}
	port := rest
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		port = rest[:k]
	}
	if port == "" {
		return false // example.com: or example.com:/path
	}
	_, err := strconv.ParseUint(port, 10, 16) // digits only, at most 65535
	return err != nil
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Fetch gets one page and returns its title. The Page is filled as far as
// the fetch went even when the error is not nil; the error is an *Error,
// wrapped in an engine.TransientError when worth retrying. When ctx is
// cancelled first, the error is of class canceled and wraps
// context.Canceled and the cause: the page did not fail, it was given up.
func (f *Fetcher) Fetch(ctx context.Context, raw string) (Page, error) {
	p := Page{URL: strings.TrimSpace(raw)}
	start := time.Now()
	fail := func(c Class, status int, err error) (Page, error) {
		p.MS = time.Since(start).Milliseconds()
		p.Error, p.Detail = c, err.Error()
		e := &Error{Class: c, Status: status, Err: err}
		// A refused connection is an answer, as curl sees it: nothing
		// listens there, and trying again soon will not change that.
		if c == ClassConnect && !errors.Is(err, syscall.ECONNREFUSED) {
			return p, engine.Transient(e)
		}
		return p, e
	}
	u, err := Normalize(raw)
	if err != nil {
		return fail(ClassBadURL, 0, err)
	}
	p.URL = u
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return fail(ClassBadURL, 0, err)
	}
	release, err := f.limit.acquire(ctx, req.URL.Host)
	if err != nil {
		if c := canceled(ctx); c != nil {
			return fail(ClassCanceled, 0, c)
		}
		return fail(classify(err), 0, fmt.Errorf("wait for a turn: %w", err))
	}
	defer release()

	start = time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, f.cfg.Timeout,
		fmt.Errorf("no complete answer within %s: %w", f.cfg.Timeout, context.DeadlineExceeded))
	defer cancel()
	reqCtx, cancelReq := context.WithCancel(ctx)
	defer cancelReq()
	req = req.WithContext(reqCtx)
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	req.Header.Set("Accept-Encoding", acceptEncoding)

	resp, err := f.client.Do(req)
	if err != nil {
		if c := canceled(ctx); c != nil {
			return fail(ClassCanceled, 0, c)
		}
		if cause := context.Cause(ctx); cause != nil && ctx.Err() == context.DeadlineExceeded {
			err = cause
		}
		return fail(classify(err), 0, unwrapURLError(err))
	}
	defer resp.Body.Close()
	p.FinalURL = resp.Request.URL.String()
	p.Status = resp.StatusCode
	p.ContentType = resp.Header.Get("Content-Type")

	if resp.StatusCode >= 300 {
		return f.statusFail(ctx, &p, resp, cancelReq, fail)
	}

	wire := &wireReader{r: resp.Body}
	if !isHTMLType(p.ContentType) {
		return fail(ClassNotHTML, resp.StatusCode, fmt.Errorf("content type %q is not HTML", p.ContentType))
	}
	x, err := f.readTitle(wire, resp.Header.Get("Content-Encoding"), p.ContentType)
	p.BytesRead, p.Charset, p.Title = x.BytesRead, x.Charset.Name, x.Title
	var sniffed *sniffedError
	switch {
	case errors.As(err, &sniffed):
		return fail(ClassNotHTML, resp.StatusCode, err)
	case err != nil:
		p.Title = ""
		return f.bodyFail(ctx, fail, resp.StatusCode, wire, err)
	}
	p.MS = time.Since(start).Milliseconds()
	drain(resp, wire.n, cancelReq)
	return p, nil
}

// sniffedError says that a body without a content type does not look
// like HTML.
type sniffedError struct{ sniffed string }

func (e *sniffedError) Error() string {
	return fmt.Sprintf("no content type, and the body looks like %q", e.sniffed)
}

// readTitle decodes a body off the wire for its Content-Encoding and
// extracts its title within the byte cap. A body without a content type
// (contentType "") is sniffed first: a *sniffedError when it is not HTML.
// Other errors are those of decodeBody and Extract.
func (f *Fetcher) readTitle(wire io.Reader, contentEncoding, contentType string) (Extracted, error) {
	dec, err := decodeBody(wire, contentEncoding)
	if err != nil {
		return Extracted{}, err
	}
	defer dec.release()
	var body io.Reader = dec
	if contentType == "" {
		br := bufio.NewReaderSize(body, 512)
		head, _ := br.Peek(512)
		if sniffed := http.DetectContentType(head); !isHTMLType(sniffed) {
			return Extracted{}, &sniffedError{sniffed}
		}
		body = br
	}
	return Extract(body, contentType, Limits{MaxBytes: f.cfg.MaxBytes, MaxTitle: f.cfg.MaxTitle})
}

// Bounds of drain: a connection is worth keeping only if its leftover body
// is small and already arriving.
const (
	drainMax  = 256 << 10 // leftover bytes read at most
	drainWait = 20 * time.Millisecond
)

// drain discards the rest of an HTTP/1 body after the title was found, so
// that the connection goes back to the pool instead of being closed: a new
// connection costs both ends more CPU than reading a few kilobytes. It
// gives up (and the connection is closed) past drainMax bytes or drainWait.
// Nothing read here is parsed or kept.
func drain(resp *http.Response, read int64, cancel context.CancelFunc) {
	if resp.ProtoMajor != 1 {
		return // HTTP/2 resets the stream and keeps the connection
	}
	limit := int64(drainMax) // a body of unknown length may end within it
	if resp.ContentLength >= 0 {
		limit = resp.ContentLength - read
		if limit > drainMax {
			return
		}
	}
	t := time.AfterFunc(drainWait, cancel)
	defer t.Stop()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, limit))
}

// bodyFail classifies an error met while reading the body.
func (f *Fetcher) bodyFail(ctx context.Context, fail func(Class, int, error) (Page, error), status int, wire *wireReader, err error) (Page, error) {
	switch {
	case errors.Is(err, errNoTitle), errors.Is(err, errEmptyTitle):
		return fail(ClassNoTitle, status, err)
	case errors.Is(err, errTooLarge):
		return fail(ClassBodyTooLarge, status, err)
	case wire.err != nil || ctx.Err() != nil:
		if c := canceled(ctx); c != nil {
			return fail(ClassCanceled, status, c)
		}
		if ctx.Err() == context.DeadlineExceeded {
			return fail(ClassTimeout, status, context.Cause(ctx))
		}
		if wire.err != nil {
			err = wire.err
		}
		return fail(classify(err), status, fmt.Errorf("read body: %w", err))
	case isDecodeError(err), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "content-encoding"):
		return fail(ClassDecode, status, err)
	}
	return fail(ClassOther, status, err)
}

// canceled returns the error of a fetch whose caller gave up, or nil when
// ctx was not cancelled (a timeout is no cancellation). It wraps
// context.Canceled, by which the engine tells an item cut short from one
// that failed, and the cause (cli.ErrInterrupted on Ctrl-C): the HTTP
// client reports the cause alone.
func canceled(ctx context.Context) error {
	if !errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) {
		return cause
	}
	return fmt.Errorf("%w (%w)", cause, context.Canceled)
}

// isHTMLType reports whether a Content-Type may hold an HTML page. An empty
// one may: the body is sniffed.
func isHTMLType(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain":
		return true
	}
	return false
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter parses a Retry-After header (seconds or an HTTP date) into a
// wait, at most DefaultRetryAfterMax.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), DefaultRetryAfterMax)
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the URL
// that the error line already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
