package erase

import (
	"strings"

	"golang.org/x/sys/unix"
)

// openDirs opens the folder comps names beneath rootfd. openat2(2) with
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS (Linux 5.6)
// does it in one call and refuses any link on the way. Any failure (ENOSYS
// on older kernels or under seccomp, EAGAIN on a concurrent rename, or a
// real refusal) falls back to walkDirs, which is as strict and gives the
// reason.
func openDirs(rootfd int, comps []string) (int, error) {
	fd, err := unix.Openat2(rootfd, strings.Join(comps, "/"), &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err == nil {
		return fd, nil
	}
	return walkDirs(rootfd, comps)
}

// renameNoReplace renames from to to within dirfd, failing with EEXIST if
// to exists: renameat2(2) RENAME_NOREPLACE (Linux 3.15), which returns
// EINVAL on filesystems without it.
func renameNoReplace(dirfd int, from, to string) error {
	err := unix.Renameat2(dirfd, from, dirfd, to, unix.RENAME_NOREPLACE)
	if err == unix.EINVAL || err == unix.ENOSYS {
		return renameIfAbsent(dirfd, from, to)
	}
	return err
}

// fsNames maps statfs(2) f_type magic numbers (linux/magic.h) to the names
// overwriteNote knows. ZFS's magic is not in linux/magic.h: it is
// ZFS_SUPER_MAGIC in OpenZFS's include/sys/fs/zfs.h.
var fsNames = map[int64]string{
	unix.BTRFS_SUPER_MAGIC:     "btrfs",
	unix.BCACHEFS_SUPER_MAGIC:  "bcachefs",
	0x2fc12fc1:                 "zfs",
	unix.F2FS_SUPER_MAGIC:      "f2fs",
	unix.NILFS_SUPER_MAGIC:     "nilfs2",
	unix.OVERLAYFS_SUPER_MAGIC: "overlay",
	unix.TMPFS_MAGIC:           "tmpfs",
	unix.NFS_SUPER_MAGIC:       "nfs",
	unix.SMB_SUPER_MAGIC:       "smb",
	unix.SMB2_SUPER_MAGIC:      "smb",
	unix.CIFS_SUPER_MAGIC:      "cifs",
	unix.FUSE_SUPER_MAGIC:      "fuse",
}

func fsName(sfs *unix.Statfs_t) string {
	// f_type is signed on some architectures and the magics have the top bit set.
	return fsNames[int64(uint32(sfs.Type))]
}
