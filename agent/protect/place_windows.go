package protect

import (
	"os"

	"golang.org/x/sys/windows"
)

// renameNoReplace uses MoveFileEx without MOVEFILE_REPLACE_EXISTING,
// which fails with ERROR_ALREADY_EXISTS if to exists (MoveFileExW doc);
// MOVEFILE_WRITE_THROUGH returns only once the move is on disk.
func renameNoReplace(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	if err := windows.MoveFileEx(f, t, windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// syncDir is a no-op: Windows cannot fsync a folder, and the write-through
// move above is what makes the rename durable.
func syncDir(string) error { return nil }
