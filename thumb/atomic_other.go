//go:build !unix

package thumb

import (
	"os"
	"path/filepath"
)

// createTemp opens the temporary file that path is written through: a
// name of its own beside it.
func createTemp(path string) (*os.File, error) {
	return os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
}
