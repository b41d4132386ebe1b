package cluster

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// No two brokers share a store: the second is refused, naming the folder
// and the holder; once the first stops, the store is free again.
func TestStoreLocked(t *testing.T) {
	dir := t.TempDir()
	a, err := StartServer(context.Background(), ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = StartServer(context.Background(), ServerConfig{StoreDir: dir})
	if !errors.Is(err, ErrStoreInUse) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second broker on one store: %v, want ErrStoreInUse naming %s", err, dir)
	}
	a.Shutdown()
	b, err := StartServer(context.Background(), ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	b.Shutdown()
}

// The zero ServerConfig keeps its data in a folder of its own, gone after
// Shutdown: two such servers never see each other's tasks.
func TestDefaultStoreIsPrivate(t *testing.T) {
	a, err := StartServer(context.Background(), ServerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := StartServer(context.Background(), ServerConfig{})
	if err != nil {
		t.Fatalf("a second server with the default store: %v", err)
	}
	dirA, dirB := a.tempDir, b.tempDir
	if dirA == "" || dirA == dirB {
		t.Fatalf("stores %q and %q, want two temporary folders", dirA, dirB)
	}
	a.Shutdown()
	b.Shutdown()
	for _, d := range []string{dirA, dirB} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Shutdown", d)
		}
	}
}

// A broker on an address other than loopback needs authentication; with a
// token, a client without it is refused and one with it gets in.
func TestServerAuth(t *testing.T) {
	_, err := StartServer(context.Background(), ServerConfig{Listen: "0.0.0.0:0"})
	if !errors.Is(err, ErrNoAuth) {
		t.Fatalf("0.0.0.0 without auth: %v, want ErrNoAuth", err)
	}
	s, err := StartServer(context.Background(), ServerConfig{Listen: "127.0.0.1:0", Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	addr := strings.TrimPrefix(s.URL(), "nats://")
	if _, err := Dial(context.Background(), "nats://"+addr, Config{}); err == nil || !strings.Contains(err.Error(), "Authorization Violation") {
		t.Fatalf("without the token: %v, want an authorization violation", err)
	}
	c, err := Dial(context.Background(), "nats://s3cret@"+addr, Config{})
	if err != nil {
		t.Fatalf("with the token: %v", err)
	}
	c.Close()
	u, err := StartServer(context.Background(), ServerConfig{Listen: "0.0.0.0:0", Users: []User{{"ada", "pw"}}})
	if err != nil {
		t.Fatalf("0.0.0.0 with users: %v", err)
	}
	u.Shutdown()
}

// A port in use is said at once, not after a wait for a server that will
// never be ready.
func TestServerPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	start := time.Now()
	_, err = StartServer(context.Background(), ServerConfig{Listen: l.Addr().String(), StoreDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("err %v, want one that says the address is in use", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("it took %v to say so", d)
	}
}

// The broker owns the streams: Setup sets their retention, also on
// streams a client made before with its own, and it logs in by itself on
// a server that requires a token or users.
func TestSetupOwnsTheStreams(t *testing.T) {
	for name, sc := range map[string]ServerConfig{
		"no auth": {},
		"token":   {Token: "s3cret"},
		"users":   {Users: []User{{Name: "ann", Password: "$2a$11$kFu4u8P4Fz1zRu4Q/ZOtQeIrxT5o2ucN.SxAYVUQf2sXuOEVq.2aS"}}},
	} {
		t.Run(name, func(t *testing.T) {
			sc.StoreDir = t.TempDir()
			s, err := StartServer(context.Background(), sc)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Shutdown()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.Setup(ctx, Config{}); err != nil { // a first setup with the default 24h
				t.Fatal(err)
			}
			if err := s.Setup(ctx, Config{Retention: 2 * time.Hour}); err != nil {
				t.Fatal(err)
			}
			nc, err := nats.Connect("", append(s.self, nats.InProcessServer(s.ns))...)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			js, _ := jetstream.New(nc)
			for _, name := range []string{"FANOUT", "FANOUT_RESULTS", "KV_FANOUT_RUNS"} {
				st, err := js.Stream(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if age := st.CachedInfo().Config.MaxAge; age != 2*time.Hour {
					t.Errorf("%s: MaxAge %v, want 2h", name, age)
				}
			}
		})
	}
}
