package usb

import (
	"golang.org/x/sys/unix"
)

func setReadOnly(devPath string, ro bool) error {
	fd, err := unix.Open(devPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	v := 0
	if ro {
		v = 1
	}
	return unix.IoctlSetPointerInt(fd, unix.BLKROSET, v)
}

func isReadOnly(devPath string) (bool, error) {
	fd, err := unix.Open(devPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	v, err := unix.IoctlGetInt(fd, unix.BLKROGET)
	return v != 0, err
}

// keptFlags are the per-mount flags a remount must pass again: MS_REMOUNT
// sets the mount's flags to exactly those given, so leaving them out would
// drop nosuid, nodev or noexec from a USB mount (mount(2), MS_REMOUNT). The
// ST_* bits statfs(2) reports have the values of the MS_* flags.
const keptFlags = unix.ST_NOSUID | unix.ST_NODEV | unix.ST_NOEXEC | unix.ST_SYNCHRONOUS |
	unix.ST_MANDLOCK | unix.ST_NOATIME | unix.ST_NODIRATIME | unix.ST_RELATIME

func remountReadOnly(mountPoint string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(mountPoint, &st); err != nil {
		return err
	}
	flags := uintptr(st.Flags)&keptFlags | unix.MS_REMOUNT | unix.MS_RDONLY
	return unix.Mount("", mountPoint, "", flags, "")
}
