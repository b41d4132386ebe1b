//go:build unix

package cluster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// lockStore takes an exclusive lock on the store folder dir (creating it),
// held until the returned function is called or the process ends, so that
// no two brokers ever share a store. The lock file names its holder.
func lockStore(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cluster: store folder: %w", err)
	}
	path := filepath.Join(dir, "fanout-broker.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cluster: store folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if len(bytes.TrimSpace(holder)) > 0 {
			return nil, fmt.Errorf("%w: %s (held by process %s)", ErrStoreInUse, dir, bytes.TrimSpace(holder))
		}
		return nil, fmt.Errorf("%w: %s", ErrStoreInUse, dir)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
