//go:build !windows

package installer

import "os"

// replace renames tmp over dst.
func replace(tmp, dst string) error { return os.Rename(tmp, dst) }

// removeLater reports whether p, which cannot be deleted now, will be at
// the next restart: never outside Windows.
func removeLater(string) bool { return false }
