// Package s3test runs an S3 server in memory on 127.0.0.1 for tests
// (gofakes3), with the credentials that reach it set in the environment.
package s3test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Server is an S3 server for one test.
type Server struct {
	// Endpoint is its http://127.0.0.1:port.
	Endpoint string
	// Backend holds its objects, for a test to look at or change behind
	// the client's back.
	Backend *s3mem.Backend

	mu   sync.Mutex
	puts map[string]int // by bucket/key
}

// Puts returns how many times each object was written, by bucket/key,
// and in all.
func (s *Server) Puts() (map[string]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	out := make(map[string]int, len(s.puts))
	for k, v := range s.puts {
		out[k] = v
		n += v
	}
	return out, n
}

// Start starts a server holding the given, empty buckets, sets
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the test (child
// processes inherit them), and stops it when the test ends.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	be := s3mem.New()
	for _, b := range buckets {
		if err := be.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	fake := gofakes3.New(be, gofakes3.WithLogger(gofakes3.DiscardLog()))
	s := &Server{Backend: be, puts: map[string]int{}}
	h := fake.Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			s.mu.Lock()
			s.puts[strings.TrimPrefix(r.URL.Path, "/")]++
			s.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "fanout-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fanout-test-secret")
	s.Endpoint = srv.URL
	return s
}
