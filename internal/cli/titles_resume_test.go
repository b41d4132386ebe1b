package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer serves an HTML page with the title "T PATH" on
// 127.0.0.1 and counts the requests for each path; arrived, when set, is
// called with the number of requests so far as each arrives.
type countingServer struct {
	*httptest.Server
	mu      sync.Mutex
	byPath  map[string]int
	total   atomic.Int64
	arrived func(n int64)
}

func newCountingServer(t *testing.T, arrived func(n int64), handler func(w http.ResponseWriter, r *http.Request) bool) *countingServer {
	t.Helper()
	s := &countingServer{byPath: map[string]int{}, arrived: arrived}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.byPath[r.URL.Path]++
		s.mu.Unlock()
		n := s.total.Add(1)
		if s.arrived != nil {
			s.arrived(n)
		}
		if handler != nil && handler(w, r) {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>T %s</title></head></html>", r.URL.Path)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *countingServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byPath[path]
}

// runTitlesCtx runs `fanout titles args...` under ctx, with stderr safe
// to write from the interrupt notice and the summary at once.
func runTitlesCtx(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb syncBuffer
	code = Execute(ctx, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, append([]string{"titles"}, args...))
	return code, out.String(), errb.String()
}

func writeList(t *testing.T, urls []string) string {
	t.Helper()
	list := filepath.Join(t.TempDir(), "urls.txt")
	if err := os.WriteFile(list, []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return list
}

// journalURLs is the URLs a --resume journal holds, one per whole line.
func journalURLs(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for l := range strings.Lines(string(data)) {
		if !strings.HasSuffix(l, "\n") {
			t.Errorf("journal %q ends in a torn line %q", path, l)
			continue
		}
		if u, _, ok := strings.Cut(l, "\t"); ok && !strings.HasPrefix(l, "#") {
			urls = append(urls, u)
		}
	}
	return urls
}

// A long list interrupted halfway and run again with the same --resume
// journal: the second run fetches only what the first did not finish,
// and every URL's line is printed once over the two runs.
func TestTitlesResumeAfterInterrupt(t *testing.T) {
	const n, c = 200, 8
	ctx1, interrupt := context.WithCancelCause(context.Background())
	defer interrupt(nil)
	srv := newCountingServer(t, func(k int64) {
		if k == n/2 {
			interrupt(ErrInterrupted)
		}
	}, func(w http.ResponseWriter, r *http.Request) bool {
		time.Sleep(2 * time.Millisecond) // so that requests overlap
		return false
	})
	var urls []string
	for i := range n {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	list := writeList(t, urls)
	journal := filepath.Join(t.TempDir(), "done.tsv")
	args := []string{"--progress", "never", "--retries", "0", "-c", fmt.Sprint(c), "--resume", journal, "-f", list}

	ctx1, stop1 := context.WithTimeout(ctx1, 20*time.Second)
	defer stop1()
	code, out1, err1 := runTitlesCtx(ctx1, args...)
	if code != ExitInterrupted {
		t.Fatalf("first run: exit %d, want 130; stderr %q", code, err1)
	}
	first := srv.total.Load()
	printed1 := strings.Count(out1, "\n")
	if got := len(journalURLs(t, journal)); got != printed1 {
		t.Errorf("after Ctrl-C the journal holds %d URLs, and %d were printed", got, printed1)
	}

	ctx2, stop2 := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop2()
	code, out2, err2 := runTitlesCtx(ctx2, args...)
	if code != ExitOK {
		t.Fatalf("second run: exit %d, want 0; stderr %q", code, err2)
	}
	if want := fmt.Sprintf("%d URLs already done (--resume), skipped\n", printed1); !strings.Contains(err2, want) {
		t.Errorf("second run's stderr %q lacks %q", err2, want)
	}
	total := srv.total.Load()
	t.Logf("first run: %d requests, %d printed; second run: %d requests", first, printed1, total-first)
	if total < n || total > n+c {
		t.Errorf("%d requests over both runs, want from %d to %d (%d, plus those in flight at Ctrl-C)", total, n, n+c, n)
	}
	seen := map[string]int{}
	for l := range strings.Lines(out1 + out2) {
		u, title, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "\t")
		if title != "T "+strings.TrimPrefix(u, srv.URL) {
			t.Errorf("line %q", l)
		}
		seen[u]++
	}
	for _, u := range urls {
		if seen[u] != 1 {
			t.Errorf("%s printed %d times over both runs, want once", u, seen[u])
		}
	}
	if got := len(journalURLs(t, journal)); got != n {
		t.Errorf("the journal holds %d URLs, want %d", got, n)
	}
	// All done: a third run fetches nothing and succeeds.
	code, out3, err3 := runTitlesCtx(ctx2, args...)
	if code != ExitOK || out3 != "" || err3 != fmt.Sprintf("%d URLs already done (--resume), skipped\n", n) || srv.total.Load() != total {
		t.Errorf("third run: exit %d, stdout %q, stderr %q, %d more requests; want 0, nothing fetched", code, out3, err3, srv.total.Load()-total)
	}
}

// What counts as done: a title, and a failure that is an answer (404,
// no_title, bad_url); a failure that a later run may not meet (a 503, a
// refused connection) is fetched again.
func TestTitlesResumeKeepsAnswersOnly(t *testing.T) {
	srv := newCountingServer(t, nil, func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/404":
			http.NotFound(w, r)
		case "/503":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case "/notitle":
			fmt.Fprint(w, "<html><body>none</body></html>")
		default:
			return false
		}
		return true
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close() // nothing listens there now
	list := writeList(t, []string{srv.URL + "/ok", srv.URL + "/404", srv.URL + "/notitle", srv.URL + "/503", closed, "mailto:a@127.0.0.1"})
	journal := filepath.Join(t.TempDir(), "done.tsv")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for run := 1; run <= 2; run++ {
		code, stdout, stderr := runTitlesCtx(ctx, "--progress", "never", "--retries", "0", "--resume", journal, "-f", list)
		if code != ExitFailed {
			t.Errorf("run %d: exit %d, want 1; stderr %q", run, code, stderr)
		}
		if run == 2 {
			want := closed + ": connect: "
			if stdout != "" || !strings.Contains(stderr, srv.URL+"/503: http_status: HTTP 503") || !strings.Contains(stderr, want) ||
				strings.Contains(stderr, "/404:") || strings.Contains(stderr, "mailto:") || strings.Contains(stderr, "/notitle:") ||
				!strings.Contains(stderr, "4 URLs already done (--resume), skipped\n") {
				t.Errorf("run 2: stdout %q, stderr %q; want the 503 and the refused connection again, the 4 others skipped", stdout, stderr)
			}
		}
	}
	for path, want := range map[string]int{"/ok": 1, "/404": 1, "/notitle": 1, "/503": 2} {
		if got := srv.count(path); got != want {
			t.Errorf("%s fetched %d times over two runs, want %d", path, got, want)
		}
	}
}

// A torn last line (a crash while a batch was written) is ignored, and
// the next lines are not glued to it.
func TestTitlesResumeTornLine(t *testing.T) {
	srv := newCountingServer(t, nil, nil)
	journal := filepath.Join(t.TempDir(), "done.tsv")
	torn := "# fanout titles --resume journal\n" + srv.URL + "/a\tok\n" + srv.URL + "/b\to"
	if err := os.WriteFile(journal, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, stdout, stderr := runTitlesCtx(ctx, "--progress", "never", "--resume", journal, srv.URL+"/a", srv.URL+"/b")
	if code != ExitOK || stdout != srv.URL+"/b\tT /b\n" || srv.count("/a") != 0 || srv.count("/b") != 1 {
		t.Errorf("exit %d, stdout %q, stderr %q; /a fetched %d times, /b %d; want /b alone", code, stdout, stderr, srv.count("/a"), srv.count("/b"))
	}
	if got := journalURLs(t, journal); strings.Join(got, " ") != srv.URL+"/a "+srv.URL+"/b" {
		t.Errorf("journal URLs %q, want /a and /b", got)
	}
}

// The journal is written as URLs finish, in batches, not only at the
// end: a crash loses at most the last second's worth.
func TestTitlesResumeWritesAsItGoes(t *testing.T) {
	release := make(chan struct{})
	srv := newCountingServer(t, nil, func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/hang" {
			select { // bounded: the test lets it go, or the client does
			case <-release:
			case <-r.Context().Done():
			case <-time.After(15 * time.Second):
			}
		}
		return false
	})
	urls := []string{srv.URL + "/hang"}
	for i := range 10 {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	journal := filepath.Join(t.TempDir(), "done.tsv")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan int)
	go func() {
		code, _, _ := runTitlesCtx(ctx, append([]string{"-q", "--resume", journal}, urls...)...)
		done <- code
	}()
	var got []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(journal); err == nil {
			if got = journalURLs(t, journal); len(got) == 10 {
				break
			}
		}
	}
	if len(got) != 10 {
		t.Errorf("while one URL hangs, the journal holds %d URLs after 5 s, want the 10 that finished", len(got))
	}
	close(release)
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d", code)
	}
	if got := journalURLs(t, journal); len(got) != 11 {
		t.Errorf("the journal holds %d URLs at the end, want 11", len(got))
	}
}

// Journal lines: a URL with a tab or a leading quote is quoted and read
// back as it was; comments, garbage and a torn last line are ignored.
func TestTitlesJournalLines(t *testing.T) {
	odd := []string{"a\tb", `"quoted"`, "#x", "plain", "\x00nul"}
	var data strings.Builder
	data.WriteString(journalHead + "garbage without a tab\n\n# a comment\tok\n")
	for _, u := range odd {
		data.WriteString(journalLine(u, "bad_url"))
	}
	data.WriteString("torn\tok")
	path := filepath.Join(t.TempDir(), "done.tsv")
	if err := os.WriteFile(path, []byte(data.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := openJournal(path, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer j.f.Close()
	for _, u := range odd {
		if _, ok := j.done[journalKey(u)]; !ok {
			t.Errorf("%q not read back", u)
		}
	}
	if _, ok := j.done[journalKey("torn")]; ok || len(j.done) != len(odd) {
		t.Errorf("%d URLs read, want the %d whole lines", len(j.done), len(odd))
	}
	if st, err := os.Stat(path); err != nil || st.Size() != int64(data.Len()-len("torn\tok")) {
		t.Errorf("the torn line was not cut off: %v, %v", st.Size(), err)
	}

	// A journal that cannot be opened fails the run before any fetch.
	code, _, stderr := runTitlesCtx(context.Background(), "--resume", t.TempDir(), "http://127.0.0.1:1/")
	if code != ExitFailed || !strings.HasPrefix(stderr, "fanout: resume journal: open ") {
		t.Errorf("a directory as journal: exit %d, stderr %q", code, stderr)
	}
}
