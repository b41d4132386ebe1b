package cluster

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerConfig configures an embedded NATS server. The zero value listens
// on a free port of 127.0.0.1 and keeps JetStream data in a temporary
// folder of the server's own.
type ServerConfig struct {
	// Listen is host:port to listen on. Default "127.0.0.1:-1" (any free port).
	Listen string
	// StoreDir keeps JetStream data; tasks survive a restart of the
	// server when it is set. Default: a new temporary folder.
	StoreDir string
}

// Server is an embedded NATS server with JetStream.
type Server struct {
	ns *server.Server
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
	ns, err := server.NewServer(&server.Options{
		Host:      host,
		Port:      port,
		JetStream: true,
		StoreDir:  cfg.StoreDir,
		NoSigs:    true,
		NoLog:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: start server: %w", err)
	}
	go ns.Start()
	deadline := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		deadline = time.Until(d)
	}
	if !ns.ReadyForConnections(deadline) {
		ns.Shutdown()
		return nil, fmt.Errorf("cluster: server on %s not ready after %v", cfg.Listen, deadline)
	}
	return &Server{ns: ns}, nil
}

// URL is the address clients and workers connect to.
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits for it.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}
