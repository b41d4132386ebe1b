package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerConfig configures an embedded NATS server. The zero value listens
// on a free port of 127.0.0.1 and keeps JetStream data in a new temporary
// folder of the server's own, removed at Shutdown.
type ServerConfig struct {
	// Listen is host:port to listen on. Default "127.0.0.1:-1" (any free port).
	Listen string
	// StoreDir keeps JetStream data, so that queued tasks and results
	// survive a restart of the server. One server at a time may use a
	// folder: StartServer fails with ErrStoreInUse while another holds it.
	// Default: a new temporary folder, removed at Shutdown.
	StoreDir string
	// SyncAlways makes the server write every stored message to disk
	// (fsync) before acknowledging it, so that a power loss loses nothing
	// acknowledged, at a cost in throughput. Default: written at once,
	// flushed to disk every SyncInterval.
	SyncAlways bool
	// SyncInterval is how often stored data is flushed to disk when
	// SyncAlways is off: a power loss (not a crash of the process) may
	// lose what was acknowledged in the last SyncInterval. Default 1s
	// (NATS's own default is 2 minutes).
	SyncInterval time.Duration
}

// DefaultSyncInterval is ServerConfig.SyncInterval's default.
const DefaultSyncInterval = time.Second

// ErrStoreInUse is returned by StartServer when another server holds the
// store folder.
var ErrStoreInUse = errors.New("cluster: store folder in use by another broker")

// Server is an embedded NATS server with JetStream.
type Server struct {
	ns      *server.Server
	unlock  func()
	tempDir string // removed at Shutdown
}

// StartServer starts an embedded NATS server with JetStream and waits until
// it accepts connections.
func StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	host, port := "127.0.0.1", -1
	if cfg.Listen != "" {
		h, p, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("cluster: listen address %q: %w", cfg.Listen, err)
		}
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("cluster: listen port %q: %w", p, err)
		}
		host = h
	}
	srv := &Server{}
	store := cfg.StoreDir
	if store == "" {
		dir, err := os.MkdirTemp("", "fanout-broker-")
		if err != nil {
			return nil, fmt.Errorf("cluster: store folder: %w", err)
		}
		store, srv.tempDir = dir, dir
	}
	unlock, err := lockStore(store)
	if err != nil {
		srv.removeTemp()
		return nil, err
	}
	srv.unlock = unlock
	ns, err := server.NewServer(&server.Options{
		Host:         host,
		Port:         port,
		JetStream:    true,
		StoreDir:     store,
		SyncAlways:   cfg.SyncAlways,
		SyncInterval: cmp.Or(cfg.SyncInterval, DefaultSyncInterval),
		NoSigs:       true,
		NoLog:        true,
	})
	if err != nil {
		srv.release()
		return nil, fmt.Errorf("cluster: start server: %w", err)
	}
	go ns.Start()
	deadline := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		deadline = time.Until(d)
	}
	if !ns.ReadyForConnections(deadline) {
		ns.Shutdown()
		srv.release()
		return nil, fmt.Errorf("cluster: server on %s not ready after %v", cfg.Listen, deadline)
	}
	srv.ns = ns
	return srv, nil
}

// release unlocks the store and removes a temporary one.
func (s *Server) release() {
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
	s.removeTemp()
}

func (s *Server) removeTemp() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
		s.tempDir = ""
	}
}

// URL is the address clients and workers connect to.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server, waits for it, and releases its store.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.release()
}
