//go:build unix

package installer

import (
	"io/fs"
	"os"
)

// modeOf is the Unix mode of each access.
func modeOf(a access, dir bool) fs.FileMode {
	switch a {
	case accessProgram:
		return 0o755
	case accessPrivate:
		if dir {
			return 0o700
		}
		return 0o600
	case accessLogs:
		if dir {
			return 0o750
		}
		return 0o640
	}
	if dir {
		return 0o755
	}
	return 0o644
}

// setAccess gives p its mode and, when the installer runs as root, makes
// root its owner (the installer run by a test as a user leaves the owner
// alone: only root may give files away).
func setAccess(p string, a access, dir bool) error {
	if os.Geteuid() == 0 {
		if err := os.Lchown(p, 0, 0); err != nil {
			return err
		}
	}
	return os.Chmod(p, modeOf(a, dir))
}
