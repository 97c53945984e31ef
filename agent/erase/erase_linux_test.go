package erase

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a small tmpfs at dir, or skips: it needs root (or
// CAP_SYS_ADMIN) and a kernel that lets this process mount.
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.Mkdir(dir, 0o700))
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root and mount rights): %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
}

func TestOtherDevice(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	mnt := filepath.Join(fx.root, "mnt")
	mountTmpfs(t, mnt)
	p := filepath.Join(mnt, "f.csv")
	require.NoError(t, os.WriteFile(p, []byte(personal), 0o600))
	// The identity of that very file, as the mount's own root sees it.
	id, err := Identify(mnt, "f.csv")
	require.NoError(t, err)

	_, err = Identify(fx.root, "mnt/f.csv")
	require.ErrorIs(t, err, ErrOtherDevice)
	_, err = Erase(fx.root, "mnt/f.csv", id)
	require.ErrorIs(t, err, ErrOtherDevice)
	require.Equal(t, "other_device", Reason(err))
	requireContent(t, p, personal)
}

func TestNoteNamesTheFilesystem(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "Downloads")
	mountTmpfs(t, root)
	require.NoError(t, os.WriteFile(filepath.Join(root, "f.csv"), []byte(personal), 0o600))
	id, err := Identify(root, "f.csv")
	require.NoError(t, err)
	rep, err := Erase(root, "f.csv", id)
	require.NoError(t, err)
	require.True(t, rep.Overwritten)
	require.Equal(t, overwriteNote("tmpfs"), rep.Note)
	_, err = os.Lstat(filepath.Join(root, "f.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
