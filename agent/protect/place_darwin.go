package protect

import (
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace uses renamex_np(2) with RENAME_EXCL (macOS 10.12), which
// returns ENOTSUP on filesystems without it.
func renameNoReplace(from, to string) error {
	err := unix.RenamexNp(from, to, unix.RENAME_EXCL)
	switch err {
	case nil:
		return nil
	case unix.ENOTSUP, unix.EINVAL:
		return linkNoReplace(from, to)
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
