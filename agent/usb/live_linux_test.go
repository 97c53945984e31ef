package usb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestLiveLoop blocks a real filesystem: a 4 MiB image on a loop device,
// mounted nosuid,nodev,noexec, stands in for a USB stick. It needs root,
// losetup and mkfs.ext4 or mkfs.vfat, and skips with the reason otherwise.
func TestLiveLoop(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: loop devices, mount and BLKROSET")
	}
	losetup, err := exec.LookPath("losetup")
	if err != nil {
		t.Skip("needs losetup: ", err)
	}
	mkfs, fstype := "", ""
	for _, c := range []struct{ cmd, fs string }{{"mkfs.ext4", "ext4"}, {"mkfs.vfat", "vfat"}} {
		if p, err := exec.LookPath(c.cmd); err == nil {
			mkfs, fstype = p, c.fs
			break
		}
	}
	if mkfs == "" {
		t.Skip("needs mkfs.ext4 or mkfs.vfat")
	}
	run := func(name string, args ...string) (string, error) {
		out, err := exec.CommandContext(t.Context(), name, args...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}

	dir := t.TempDir()
	img := filepath.Join(dir, "stick.img")
	require.NoError(t, os.WriteFile(img, make([]byte, 4<<20), 0o600))
	args := []string{img}
	if fstype == "ext4" {
		args = []string{"-q", "-F", img}
	}
	out, err := run(mkfs, args...)
	require.NoError(t, err, out)

	dev, err := run(losetup, "--find", "--show", "--partscan", img)
	require.NoError(t, err, dev)
	mnt := filepath.Join(dir, "mnt")
	require.NoError(t, os.Mkdir(mnt, 0o755))
	// Cleanup runs even when the test fails half-way; each step is
	// harmless when its counterpart never happened. t.Context is already
	// cancelled here, so no CommandContext.
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil && err != unix.EINVAL {
			t.Logf("umount %s: %v; detaching lazily", mnt, err)
			_ = unix.Unmount(mnt, unix.MNT_DETACH)
		}
		if err := setReadOnly(dev, false); err != nil {
			t.Logf("clearing read-only on %s: %v", dev, err)
		}
		if out, err := exec.Command(losetup, "-d", dev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", dev, err, out)
		}
	})
	require.NoError(t, unix.Mount(dev, mnt, fstype, unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""))
	require.NoError(t, os.WriteFile(filepath.Join(mnt, "kept.txt"), []byte("before"), 0o644))
	require.NoError(t, ProbeWrite(mnt))

	var st unix.Stat_t
	require.NoError(t, unix.Stat(dev, &st))
	major, minor := unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev))

	t.Run("identify", func(t *testing.T) {
		d, err := Identify("/", major, minor, []string{"loop*"})
		require.NoError(t, err)
		require.Equal(t, filepath.Base(dev), d.Name)
		require.True(t, d.USB)
		require.Equal(t, "extra_devices match loop*", d.Why)

		d, err = Identify("", major, minor, nil)
		require.NoError(t, err)
		require.False(t, d.USB, "a loop device has no usb ancestor")
		require.Equal(t, "no usb ancestor", d.Why)
	})

	// Remount read-only: writes fail with EROFS, reads still work, and the
	// mount keeps nosuid, nodev and noexec.
	require.NoError(t, RemountReadOnly(mnt))
	err = ProbeWrite(mnt)
	require.ErrorIs(t, err, syscall.EROFS)
	data, err := os.ReadFile(filepath.Join(mnt, "kept.txt"))
	require.NoError(t, err)
	require.Equal(t, "before", string(data))
	var sfs unix.Statfs_t
	require.NoError(t, unix.Statfs(mnt, &sfs))
	for _, f := range []struct {
		name string
		bit  int64
	}{{"ro", unix.ST_RDONLY}, {"nosuid", unix.ST_NOSUID}, {"nodev", unix.ST_NODEV}, {"noexec", unix.ST_NOEXEC}} {
		require.NotZero(t, int64(sfs.Flags)&f.bit, "mount lost %s", f.name)
	}

	// The block layer's flag: the filesystem can no longer be made writable.
	ro, err := IsReadOnly(dev)
	require.NoError(t, err)
	require.False(t, ro)
	require.NoError(t, SetReadOnly(dev))
	ro, err = IsReadOnly(dev)
	require.NoError(t, err)
	require.True(t, ro)
	out, err = run("mount", "-o", "remount,rw", mnt)
	require.Error(t, err, "remount rw of a BLKROSET device must fail: %s", out)
	t.Logf("mount -o remount,rw refused: %s", out)
	require.ErrorIs(t, ProbeWrite(mnt), syscall.EROFS)
}
