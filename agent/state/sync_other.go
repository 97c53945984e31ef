//go:build !unix

package state

// syncDir is a no-op where directories cannot be fsynced: on Windows,
// MoveFileEx (os.Rename) with MOVEFILE_WRITE_THROUGH semantics is what
// NTFS offers, and Go's os.Rename already replaces atomically.
func syncDir(string) error { return nil }
