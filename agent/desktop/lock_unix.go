//go:build unix

package desktop

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// defaultLock is in $XDG_RUNTIME_DIR, the user's private runtime folder,
// else in the temporary folder with the uid in the name. XDG_RUNTIME_DIR
// is per user, so a user's second graphical session shares the helper of
// the first.
func defaultLock() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "dataward-tray.lock")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("dataward-tray-%d.lock", os.Getuid()))
}

// acquireLock takes an exclusive flock on the file at path, which the
// kernel drops when the process ends however it ends. The file is opened
// without following a link and must be the user's own: in a shared /tmp
// another user could have put something there first.
func acquireLock(path string) (func(), error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("checking the lock file %s: %w", path, err)
	}
	if int(st.Uid) != os.Getuid() || st.Mode&unix.S_IFMT != unix.S_IFREG {
		_ = f.Close()
		return nil, fmt.Errorf("the lock file %s is not a file of this user's: remove it", path)
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, ErrAlreadyRunning
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	// The file stays: removing it would let a third helper lock a new
	// file while the second still waits on the old one.
	return func() { _ = f.Close() }, nil
}
