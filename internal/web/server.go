package web

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// View is what the server shows of one run. Run is a View; views of
// cluster runs will be others.
type View interface {
	ID() string
	Snapshot() Snapshot
	Failures(q Query) FailurePage
	// Done is closed when the run has ended: event streams then send a
	// last update and end.
	Done() <-chan struct{}
	WriteMetrics(w io.Writer)
}

// Config configures a Server.
type Config struct {
	// Addr is where to listen, as given to --http (see ParseAddr).
	Addr string
	// Token, when set, must come with every request. It is required
	// when Addr is not loopback.
	Token string
	// Interval is how often an event stream looks for a change to send;
	// zero means 200ms.
	Interval time.Duration
	// Broker, when set, makes the server a broker's: its first page lists
	// the cluster's runs, with pages of its workers and queue, actions on
	// runs, and the cluster's metrics.
	Broker *Broker
}

// maxStreams bounds the event streams open at once.
const maxStreams = 64

// Server serves the pages, event streams and metrics of its views on one
// listener.
type Server struct {
	cfg      Config
	broker   *Broker
	addr     string
	handler  http.Handler
	srv      *http.Server
	ln       net.Listener
	quit     chan struct{} // closed by Shutdown: event streams end
	served   chan struct{} // closed when Serve has returned
	streams  chan struct{} // a slot per open event stream
	stopOnce sync.Once

	mu       sync.Mutex
	views    []View
	closed   bool
	handlers sync.WaitGroup // handlers running; Add only under mu while !closed
}

// New returns a server for cfg that does not listen yet: Handler serves
// its pages (tests use it so), Start listens. An address beyond loopback
// without a token is ErrTokenRequired.
func New(cfg Config, views ...View) (*Server, error) {
	addr, loopback, err := ParseAddr(cfg.Addr)
	if err != nil {
		return nil, err
	}
	if !loopback && cfg.Token == "" {
		return nil, fmt.Errorf("--http %s: %w", cfg.Addr, ErrTokenRequired)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 200 * time.Millisecond
	}
	s := &Server{
		cfg: cfg, broker: cfg.Broker, addr: addr, views: views,
		quit: make(chan struct{}), served: make(chan struct{}), streams: make(chan struct{}, maxStreams),
	}
	s.handler = secure(newGuard(cfg.Token).wrap(s.track(s.routes())))
	return s, nil
}

// Add shows one more view.
func (s *Server) Add(v View) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.views = append(s.views, v)
}

// view returns the view with id, or nil.
func (s *Server) view(id string) View {
	s.mu.Lock()
	for _, v := range s.views {
		if v.ID() == id {
			s.mu.Unlock()
			return v
		}
	}
	s.mu.Unlock()
	if s.broker != nil {
		return s.broker.view(id)
	}
	return nil
}

// first returns the first view, or nil.
func (s *Server) first() View {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.views) == 0 {
		return nil
	}
	return s.views[0]
}

// allViews returns the views.
func (s *Server) allViews() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// Handler returns the server's handler, guard and headers included.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on the configured address and serves in a goroutine of
// its own, which Shutdown waits for.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second, // an event stream clears it for itself
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // ErrServerClosed after Shutdown
	}()
	return nil
}

// URL is the address of the server's first page, once it listens.
func (s *Server) URL() string {
	if s.ln == nil {
		return "http://" + s.addr + "/"
	}
	return "http://" + s.ln.Addr().String() + "/"
}

// Shutdown ends the event streams, stops accepting requests, lets those
// being served finish, and waits for every handler and for the serving
// goroutine. When ctx ends first it closes every connection and still
// waits; its error then says so.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.quit) })
	var err error
	if s.srv != nil {
		if err = s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
			err = fmt.Errorf("web server shutdown: %w", err)
		}
		<-s.served
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.handlers.Wait()
	return err
}

// track counts the handlers running, so that Shutdown can wait for all.
func (s *Server) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		s.handlers.Add(1)
		s.mu.Unlock()
		defer s.handlers.Done()
		h.ServeHTTP(w, r)
	})
}

// routes maps the server's addresses.
//
//	/                          the page of the first run
//	/runs/{id}                 the page of a run: ?class=&q=&page= select failures
//	/runs/{id}/failures.json   the same failures as JSON, for the page's script
//	/runs/{id}/events          server-sent events: the run's state as it changes
//	/metrics                   Prometheus text format
//	/static/                   the embedded script, style sheet and icon
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if s.broker != nil {
			s.runsPage(w, r)
			return
		}
		v := s.first()
		if v == nil {
			http.Error(w, "no run yet", http.StatusNotFound)
			return
		}
		s.runPage(w, r, v)
	})
	mux.HandleFunc("GET /runs/{id}", s.withView(s.runPage))
	mux.HandleFunc("GET /runs/{id}/failures.json", s.withView(s.failuresJSON))
	mux.HandleFunc("GET /runs/{id}/events", s.withView(s.events))
	mux.HandleFunc("GET /metrics", s.metrics)
	if s.broker != nil {
		s.brokerRoutes(mux)
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS)))
	return mux
}

// withView calls h with the view the address names, or answers 404.
func (s *Server) withView(h func(http.ResponseWriter, *http.Request, View)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.view(r.PathValue("id"))
		if v == nil {
			http.Error(w, "no such run", http.StatusNotFound)
			return
		}
		h(w, r, v)
	}
}

// metrics writes every view's metrics and the process's own.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	for _, v := range s.allViews() {
		v.WriteMetrics(w)
	}
	if s.broker != nil {
		s.broker.writeMetrics(r.Context(), w)
	}
	writeProcessMetrics(w)
}
