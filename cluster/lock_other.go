//go:build !unix

package cluster

import (
	"fmt"
	"os"
)

// lockStore creates the store folder; on this system no lock keeps a
// second broker out.
func lockStore(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cluster: store folder: %w", err)
	}
	return func() {}, nil
}
