package protect

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace uses renameat2(2) with RENAME_NOREPLACE (Linux 3.15),
// which returns EINVAL on filesystems without it.
func renameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	switch err {
	case nil:
		return nil
	case unix.EINVAL, unix.ENOSYS:
		return linkNoReplace(from, to)
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
