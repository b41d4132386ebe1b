// Package s3test runs an S3 server in memory on 127.0.0.1 for tests
// (gofakes3), with the credentials that reach it set in the environment.
package s3test

import (
	"net/http/httptest"
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
	srv := httptest.NewServer(fake.Server()) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "fanout-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fanout-test-secret")
	return &Server{Endpoint: srv.URL, Backend: be}
}
