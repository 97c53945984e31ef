package erase

import "golang.org/x/sys/unix"

// openDirs opens the folder comps names beneath rootfd. macOS has no
// openat2; the walk refuses links one component at a time.
func openDirs(rootfd int, comps []string) (int, error) {
	return walkDirs(rootfd, comps)
}

// renameNoReplace renames from to to within dirfd, failing with EEXIST if
// to exists: renameatx_np(2) RENAME_EXCL (macOS 10.12), which returns
// ENOTSUP on filesystems without it.
func renameNoReplace(dirfd int, from, to string) error {
	err := unix.RenameatxNp(dirfd, from, dirfd, to, unix.RENAME_EXCL)
	if err == unix.ENOTSUP || err == unix.EINVAL {
		return renameIfAbsent(dirfd, from, to)
	}
	return err
}

// fsName returns f_fstypename from statfs(2): "apfs", "hfs", "smbfs", ...
func fsName(sfs *unix.Statfs_t) string {
	return unix.ByteSliceToString(sfs.Fstypename[:])
}
