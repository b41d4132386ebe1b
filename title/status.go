package title

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// statusFail is the failure of a response whose status is not 2xx (or a
// redirect that was not followed): class http_status, whatever the body.
// When the body is HTML (by its Content-Type, or sniffed when it has
// none) its title is read too, as for any page: within Config.MaxBytes
// and the attempt's Timeout, stopping at </title>. It goes in Page.Title
// and Error.Title, beside the status; a body with no title, too long,
// broken or too slow just gives none. A fetch cancelled while the body is
// read is cancelled, not an error without its title. 429, 502, 503 and
// 504 are transient, with their Retry-After.
func (f *Fetcher) statusFail(ctx context.Context, p *Page, resp *http.Response, cancelReq context.CancelFunc,
	fail func(Class, int, error) (Page, error)) (Page, error) {
	status := resp.StatusCode
	what := fmt.Errorf("HTTP %s", resp.Status)
	if status < 400 {
		what = fmt.Errorf("HTTP %s without a usable Location", resp.Status)
	}
	if isHTMLType(p.ContentType) {
		wire := &wireReader{r: resp.Body}
		x, err := f.readTitle(wire, resp.Header.Get("Content-Encoding"), p.ContentType)
		p.BytesRead = x.BytesRead
		if err != nil {
			if c := canceled(ctx); c != nil {
				return fail(ClassCanceled, status, c)
			}
		} else {
			p.Title, p.Charset = x.Title, x.Charset.Name
			drain(resp, wire.n, cancelReq)
		}
	}
	pg, err := fail(ClassHTTPStatus, status, what)
	e, ok := err.(*Error)
	if !ok { // fail wraps only connect errors
		return pg, err
	}
	e.Title = p.Title
	if retryable(status) {
		return pg, &engine.TransientError{Err: e, After: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	return pg, e
}
