package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// testBroker is a broker with one worker of a job "echo" that fails on
// inputs starting with "bad", and the broker's page, not listening.
type testBroker struct {
	url string
	b   *Broker
	srv *Server
}

var echo = &engine.Def[engine.NoSettings, string, string]{Name: "echo", Version: 1,
	New: func(engine.NoSettings) (engine.Func[string, string], error) {
		return func(ctx context.Context, s string) (string, error) {
			if strings.HasPrefix(s, "bad") {
				return "", errors.New("bad input: " + s)
			}
			if s == "slow" {
				<-ctx.Done()
				return "", ctx.Err()
			}
			return s, nil
		}, nil
	}}

func startTestBroker(t *testing.T, token string) testBroker {
	t.Helper()
	s, err := cluster.StartServer(context.Background(), cluster.ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	cfg := cluster.Config{Heartbeat: 100 * time.Millisecond}
	wnc, err := nats.Connect(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	w := &cluster.Worker{Jobs: engine.NewRegistry(echo), Workers: 2, Config: cfg}
	go func() { defer close(done); _ = w.Serve(ctx, wnc) }()
	t.Cleanup(func() { stop(); <-done; wnc.Close() })
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	b, err := StartBroker(context.Background(), nc, BrokerConfig{Config: cfg, Refresh: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	addr := "127.0.0.1:0"
	if token != "" {
		addr = "0.0.0.0:0"
	}
	srv, err := New(Config{Addr: addr, Token: token, Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	return testBroker{url: s.URL(), b: b, srv: srv}
}

// submit runs inputs through the echo job on the cluster and returns the
// client, still open, for the caller to close.
func (tb testBroker) submit(t *testing.T, inputs ...string) *cluster.Client {
	t.Helper()
	c, err := cluster.Dial(context.Background(), tb.url, cluster.Config{Heartbeat: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	j, err := cluster.Remote(c, echo, engine.NoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		_, _ = j.Run(context.Background(), in)
	}
	return c
}

func post(t *testing.T, h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080"+target, strings.NewReader(url.Values{"confirm": {"yes"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The broker's pages list its runs, a run's failures with hostile names
// escaped, its workers and queue, and parse as metrics; a retry makes a
// new run of the failed tasks.
func TestBrokerPages(t *testing.T) {
	tb := startTestBroker(t, "")
	h := tb.srv.Handler()
	c := tb.submit(t, append([]string{"ok1", "ok2"}, prefixed("bad", hostile)...)...)
	id := c.Run()
	c.Close()
	eventually(t, func() bool {
		return strings.Contains(get(t, h, "/").Body.String(), `<span class="state state-finished">finished</span>`) &&
			strings.Count(get(t, h, "/runs/"+id).Body.String(), `class="item"`) == len(hostile)
	})
	runs := get(t, h, "/").Body.String()
	mustContain(t, runs, id, "echo", `data-col="done">7<`, `data-col="total">7<`)
	page := get(t, h, "/runs/"+id).Body.String()
	mustContain(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;", "retry the failed tasks", "<th>worker</th>")
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
		t.Error("a hostile name is not escaped")
	}
	if got := get(t, h, "/runs/"+id+"?q=%3Ch1%3Ex").Body.String(); strings.Count(got, `class="item"`) != 1 {
		t.Error("search did not select one failure")
	}
	mustContain(t, get(t, h, "/queue").Body.String(), "<dt>pending</dt><dd>0</dd>", "<dt>tasks stored</dt><dd>7</dd>")
	get(t, h, "/workers") // no worker reports itself here: the page says so
	mustContain(t, get(t, h, "/workers").Body.String(), "no worker has reported itself")

	m := get(t, h, "/metrics").Body.String()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mf, err := parser.TextToMetricFamilies(strings.NewReader(m))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, m)
	}
	for _, name := range []string{"fanout_items_total", "fanout_queue_pending", "fanout_queue_in_flight", "fanout_queue_redelivered", "fanout_tasks_given_up_total", "fanout_workers_connected"} {
		if mf[name] == nil {
			t.Errorf("no %s in /metrics", name)
		}
	}
	mustContain(t, m, `fanout_items_total{job="echo",result="ok"} 2`, `fanout_items_total{job="echo",result="failed"} 5`)

	// Actions: a confirmation page, then a POST from the page itself.
	mustContain(t, get(t, h, "/runs/"+id+"/retry").Body.String(), `method="post"`, `name="confirm" value="yes"`)
	if r := post(t, h, "/runs/"+id+"/retry", "Origin", "http://evil.example"); r.Code != http.StatusForbidden {
		t.Errorf("cross-origin retry: %d", r.Code)
	}
	r := post(t, h, "/runs/"+id+"/retry", "Origin", "http://127.0.0.1:8080")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", r.Code, r.Body)
	}
	retried := strings.TrimPrefix(r.Header().Get("Location"), "/runs/")
	eventually(t, func() bool {
		p := get(t, h, "/runs/"+retried).Body.String()
		return strings.Contains(p, `data-field="failed">5<`) && strings.Contains(p, `data-field="state">finished<`)
	})
	if r := post(t, h, "/runs/"+retried+"/cancel", "Sec-Fetch-Site", "same-origin"); r.Code != http.StatusConflict {
		t.Errorf("cancel of an ended run: %d", r.Code)
	}
}

// Beyond loopback every page, the event stream, the metrics and the
// actions need the token.
func TestBrokerToken(t *testing.T) {
	tb := startTestBroker(t, "s3cret")
	h := tb.srv.Handler()
	c := tb.submit(t, "ok")
	id := c.Run()
	c.Close()
	for _, p := range []string{"/", "/events", "/workers", "/queue", "/metrics", "/runs/" + id, "/runs/" + id + "/cancel"} {
		if r := get(t, h, p, "Host", "10.0.0.1:8080"); r.Code != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d", p, r.Code)
		}
	}
	for _, p := range []string{"/runs/" + id + "/cancel", "/runs/" + id + "/retry"} {
		if r := post(t, h, p); r.Code != http.StatusUnauthorized {
			t.Errorf("POST %s without the token: %d", p, r.Code)
		}
	}
	if r := get(t, h, "/", "Authorization", "Bearer s3cret"); r.Code != http.StatusOK {
		t.Errorf("with the token: %d", r.Code)
	}
}

// A running run is cancelled from its page.
func TestBrokerCancel(t *testing.T) {
	tb := startTestBroker(t, "")
	h := tb.srv.Handler()
	c, err := cluster.Dial(context.Background(), tb.url, cluster.Config{Heartbeat: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	j, err := cluster.Remote(c, echo, engine.NoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 1)
	go func() { _, err := j.Run(context.Background(), "slow"); errs <- err }()
	eventually(t, func() bool { return get(t, h, "/runs/"+c.Run()).Code == http.StatusOK })
	if r := post(t, h, "/runs/"+c.Run()+"/cancel"); r.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d %s", r.Code, r.Body)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, cluster.ErrRunCancelled) {
			t.Errorf("the item's error %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled item still waits")
	}
	eventually(t, func() bool { return strings.Contains(get(t, h, "/").Body.String(), "state-cancelled") })
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
