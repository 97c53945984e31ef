//go:build linux || darwin

package protect

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncDir makes a rename in dir durable: on POSIX the new directory entry
// is in the directory's data, which fsync of the file does not cover.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// linkNoReplace is the fallback where the filesystem has no atomic
// rename-without-replace: link(2) fails with EEXIST rather than replace,
// then the temporary name goes. A filesystem without hard links either
// (FAT, exFAT) gets a check and a plain rename, which a file created in
// between by someone else could lose to.
func linkNoReplace(from, to string) error {
	err := os.Link(from, to)
	switch {
	case err == nil:
		return os.Remove(from)
	case errors.Is(err, os.ErrExist):
		return err
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EXDEV):
		if _, err := os.Lstat(to); err == nil {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: os.ErrExist}
		}
		return os.Rename(from, to)
	}
	return fmt.Errorf("linking %s: %w", to, err)
}
