package cluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures an embedded NATS server. The zero value listens
// on a free port of 127.0.0.1 and keeps JetStream data in a new temporary
// folder of the server's own, removed at Shutdown.
type ServerConfig struct {
	// Listen is host:port to listen on; port 0 means any free port.
	// Default "127.0.0.1:0".
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

	// Token, when set, is the secret every client must present, in its
	// URL: nats://TOKEN@host:port.
	Token string
	// Users, when set, are the names and passwords clients may present:
	// nats://user:password@host:port. A password may be a bcrypt hash
	// ("$2a$..."), as NATS allows.
	Users []User
	// ConfigFile is a NATS server configuration file, for what NATS
	// documents there: accounts, users with permissions, TLS, clustering.
	// Listen, StoreDir and the sync settings apply on top of it.
	ConfigFile string
	// TLSCert and TLSKey are the server's certificate and key (PEM files):
	// clients then connect with tls://. TLSCA, when set, also requires
	// every client to present a certificate signed by it.
	TLSCert, TLSKey, TLSCA string
	// Name names this server; servers of one cluster need different
	// names. Default: chosen by NATS.
	Name string
	// ClusterListen, when set, is host:port where this server meets the
	// other servers of a NATS cluster (the routes), so that several
	// brokers form one JetStream cluster and streams are replicated.
	ClusterListen string
	// ClusterName names the cluster; every server of it uses the same.
	// Default "fanout".
	ClusterName string
	// Routes are the other servers' ClusterListen addresses, as
	// nats-route://host:port. Routes are not authenticated unless a
	// ConfigFile says how: keep the cluster port on a private network.
	Routes []string

	// AllowNoAuth lets the server listen on an address other than loopback
	// without any authentication. Without it, StartServer refuses with
	// ErrNoAuth: whoever reaches such a port could read every task and
	// result, forge results and delete the streams.
	AllowNoAuth bool
}

// User is one user of ServerConfig.Users.
type User struct {
	Name, Password string
}

// ErrNoAuth is returned by StartServer for a server that would listen on
// an address other than loopback with no authentication.
var ErrNoAuth = errors.New("cluster: no authentication for an address other than loopback")

// DefaultSyncInterval is ServerConfig.SyncInterval's default.
const DefaultSyncInterval = time.Second

// ErrStoreInUse is returned by StartServer when another server holds the
// store folder.
var ErrStoreInUse = errors.New("cluster: store folder in use by another broker")

// Server is an embedded NATS server with JetStream.
type Server struct {
	ns      *server.Server
	unlock  func()
	tempDir string        // removed at Shutdown
	self    []nats.Option // how Setup connects: in process, with credentials
	routes  int           // other servers of its cluster it was told of
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
		if port == 0 {
			port = -1 // any free port, as net.Listen takes ":0"
		}
		host = h
	}
	opts := &server.Options{}
	if cfg.ConfigFile != "" {
		o, err := server.ProcessConfigFile(cfg.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("cluster: server config: %w", err)
		}
		opts = o
		if cfg.Listen == "" && opts.Port != 0 {
			host, port = opts.Host, opts.Port
		}
	}
	var self []nats.Option
	switch {
	case cfg.ConfigFile != "":
		// Its accounts and users are its own: Setup cannot log in.
	case cfg.Token != "":
		self = []nats.Option{nats.Token(cfg.Token)}
	case len(cfg.Users) > 0:
		// Passwords may be bcrypt hashes: Setup logs in as a user of its
		// own, whose random password never leaves this process.
		pw := make([]byte, 24)
		if _, err := rand.Read(pw); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		cfg.Users = append(slices.Clip(cfg.Users), User{Name: "fanout-broker", Password: hex.EncodeToString(pw)})
		self = []nats.Option{nats.UserInfo("fanout-broker", hex.EncodeToString(pw))}
	default:
		self = []nats.Option{}
	}
	if err := applyAuth(opts, cfg); err != nil {
		return nil, err
	}
	if !cfg.AllowNoAuth && !isLoopback(host) && !hasAuth(opts) {
		return nil, fmt.Errorf("%w: refusing to listen on %s", ErrNoAuth, net.JoinHostPort(host, strconv.Itoa(port)))
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
	opts.Host, opts.Port = host, port
	if cfg.Name != "" {
		opts.ServerName = cfg.Name
	}
	if cfg.ClusterListen != "" {
		h, p, err := net.SplitHostPort(cfg.ClusterListen)
		if err != nil {
			srv.release()
			return nil, fmt.Errorf("cluster: cluster address %q: %w", cfg.ClusterListen, err)
		}
		cp, err := strconv.Atoi(p)
		if err != nil {
			srv.release()
			return nil, fmt.Errorf("cluster: cluster port %q: %w", p, err)
		}
		opts.Cluster.Host, opts.Cluster.Port = h, cp
		opts.Cluster.Name = cmp.Or(cfg.ClusterName, "fanout")
		opts.Routes = server.RoutesFromStr(strings.Join(cfg.Routes, ","))
	}
	opts.JetStream = true
	opts.StoreDir = store
	opts.SyncAlways = cfg.SyncAlways
	opts.SyncInterval = cmp.Or(cfg.SyncInterval, DefaultSyncInterval)
	opts.NoSigs, opts.NoLog = true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		srv.release()
		return nil, fmt.Errorf("cluster: start server: %w", err)
	}
	startup := &startLog{}
	ns.SetLoggerV2(startup, false, false, false)
	go ns.Start()
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	for !ns.ReadyForConnections(50 * time.Millisecond) {
		// A port in use, say, is fatal at once: say so, do not wait.
		if msg := startup.fatal(); msg != "" || time.Now().After(deadline) {
			ns.Shutdown()
			srv.release()
			if msg != "" {
				return nil, fmt.Errorf("cluster: server on %s: %s", cfg.Listen, msg)
			}
			return nil, fmt.Errorf("cluster: server on %s not ready after 10s", cfg.Listen)
		}
	}
	srv.ns = ns
	if cfg.ClusterListen != "" {
		srv.routes = len(cfg.Routes)
	}
	if self != nil {
		srv.self = append(self, nats.InProcessServer(ns))
	}
	return srv, nil
}

// ErrNoSetup is the error of Setup on a server whose users come from a
// configuration file: it cannot log in to make the streams.
var ErrNoSetup = errors.New("cluster: the server's own configuration holds its users: streams are made by the first client")

// Setup makes the streams, the workers' consumer and the run bucket with
// cfg, as a server that owns them: it sets their retention (MaxAge) and
// byte limits to cfg's, also on streams that exist already, so that
// clients, which never change a stream, find the broker's settings. It
// waits, until ctx is done, for a cluster of servers to elect its
// leaders. On a server told of two or more other servers of its cluster,
// the streams are kept on three of them (R3) unless cfg says otherwise.
func (s *Server) Setup(ctx context.Context, cfg Config) error {
	if s.self == nil {
		return ErrNoSetup
	}
	nc, err := nats.Connect("", s.self...)
	if err != nil {
		return fmt.Errorf("cluster: setup: %w", err)
	}
	defer nc.Close()
	cfg = cfg.withDefaults()
	if cfg.Replicas <= 0 && s.routes >= 2 {
		cfg.Replicas = 3 // a cluster of three or more, forming now maybe
	}
	for {
		err = own(ctx, nc, cfg)
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: setup: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
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

// startLog is the embedded server's logger: it keeps the first fatal
// message (the server stops on it) and drops the rest, which a broker
// does not print.
type startLog struct {
	mu  sync.Mutex
	msg string
}

func (l *startLog) fatal() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.msg
}

func (l *startLog) Fatalf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.msg == "" {
		l.msg = fmt.Sprintf(format, v...)
	}
}

func (*startLog) Noticef(string, ...any) {}
func (*startLog) Warnf(string, ...any)   {}
func (*startLog) Errorf(string, ...any)  {}
func (*startLog) Debugf(string, ...any)  {}
func (*startLog) Tracef(string, ...any)  {}
