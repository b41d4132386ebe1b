package cluster

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
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
