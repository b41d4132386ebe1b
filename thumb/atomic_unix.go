//go:build unix

package thumb

import (
	"os"
	"path/filepath"
	"syscall"
)

// createTemp opens the temporary file that path is written through, and
// locks it for as long as it is open. Its name is fixed (".NAME.tmp"),
// so that the leftover of a writer that was killed (kill -9, a lost
// machine) is taken over by the next writer of the same file rather than
// left for ever: the lock of a dead process is gone, so a file at that
// name that can be locked, and is still at that name once locked, is a
// leftover. A file another live process is writing cannot be locked, and
// this writer takes a name of its own. The caller renames the file into
// place before closing it, so the lock lasts until the rename.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	name := filepath.Join(dir, "."+base+".tmp")
	if f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil && sameFile(f, name) && f.Truncate(0) == nil {
			return f, nil
		}
		f.Close()
	}
	return os.CreateTemp(dir, "."+base+".tmp*")
}

// sameFile reports whether f is still the file at name: a writer that
// held it may have renamed it into place meanwhile.
func sameFile(f *os.File, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(name)
	return err == nil && os.SameFile(a, b)
}
