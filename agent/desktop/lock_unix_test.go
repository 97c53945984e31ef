//go:build unix

package desktop

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func testLock(t *testing.T) string { return filepath.Join(t.TempDir(), "tray.lock") }

func TestLockFile(t *testing.T) {
	t.Parallel()
	path := testLock(t)
	release, err := acquireLock(path)
	require.NoError(t, err)
	_, err = acquireLock(path)
	require.ErrorIs(t, err, ErrAlreadyRunning)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	release()
	release2, err := acquireLock(path)
	require.NoError(t, err)
	release2()
}

func TestLockFileMustBeOurs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A link planted where the lock goes is not followed.
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link.lock")
	require.NoError(t, os.Symlink(target, link))
	_, err := acquireLock(link)
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrAlreadyRunning)
	require.NoFileExists(t, target)

	if os.Getuid() != 0 {
		t.Log("not root: cannot give a lock file to another user; that case is not tested")
		return
	}
	theirs := filepath.Join(dir, "theirs.lock")
	require.NoError(t, os.WriteFile(theirs, nil, 0o666))
	require.NoError(t, os.Chown(theirs, 65534, 65534))
	_, err = acquireLock(theirs)
	require.ErrorContains(t, err, "not a file of this user's")
}

func TestDefaultLock(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	require.Equal(t, "/run/user/1000/dataward-tray.lock", defaultLock())
	t.Setenv("XDG_RUNTIME_DIR", "")
	require.Equal(t, filepath.Join(os.TempDir(), fmt.Sprintf("dataward-tray-%d.lock", os.Getuid())), defaultLock())
	t.Setenv("XDG_RUNTIME_DIR", "relative/dir")
	require.Equal(t, filepath.Join(os.TempDir(), fmt.Sprintf("dataward-tray-%d.lock", os.Getuid())), defaultLock())
}
