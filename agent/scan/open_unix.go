//go:build unix

package scan

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openRegular opens path read-only with O_NOFOLLOW (a final symlink fails
// with ELOOP) and O_NONBLOCK (opening a FIFO with no writer would otherwise
// wait forever); the caller then checks fstat says regular file.
func openRegular(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		if err == unix.ELOOP {
			return nil, fmt.Errorf("%s: %w (a symbolic link)", path, ErrNotRegular)
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
