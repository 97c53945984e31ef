//go:build linux || darwin

package erase

import (
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"golang.org/x/sys/unix"
)

// A backslash is an ordinary byte in a POSIX file name.
var pathSyntax = pathRules{seps: "/"}

type osHandle struct {
	dir  *os.File // the parent folder: the rename and unlink go through it
	name string   // the file's name in dir
}

func openBeneath(root string, comps []string, write bool, want *Identity) (_ *handle, err error) {
	// O_NOFOLLOW refuses a root that is itself a symbolic link (open(2):
	// ELOOP, or ENOTDIR with O_DIRECTORY). Links above the root are the
	// caller's to resolve.
	rootfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, dirError(root, err)
	}
	var rst unix.Stat_t
	if err := unix.Fstat(rootfd, &rst); err != nil {
		unix.Close(rootfd)
		return nil, &os.PathError{Op: "fstat", Path: root, Err: err}
	}
	dirs, name := comps[:len(comps)-1], comps[len(comps)-1]
	dirfd := rootfd
	if len(dirs) > 0 {
		dirfd, err = openDirs(rootfd, dirs)
		unix.Close(rootfd)
		if err != nil {
			return nil, err
		}
	}
	h := &handle{
		rootDev:  uint64(rst.Dev),
		inPlace:  true,
		osHandle: osHandle{dir: os.NewFile(uintptr(dirfd), path.Join(dirs...)), name: name},
	}
	defer func() {
		if err != nil {
			h.close()
		}
	}()

	// Look before opening: open(2) of a FIFO or device has effects of its
	// own, and a link is refused before anything else is done.
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, &os.PathError{Op: "fstatat", Path: name, Err: err}
	}
	pre := fromStat(&st)
	if err := verify(pre, h.rootDev, want); err != nil {
		return nil, err
	}
	// O_NOFOLLOW and O_NONBLOCK cover a swap since the look: a link fails
	// with ELOOP and a FIFO does not block the open (open(2)).
	flags := unix.O_RDONLY
	if write {
		flags = unix.O_RDWR
	}
	fd, err := unix.Openat(dirfd, name, flags|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err == unix.ELOOP {
		return nil, fmt.Errorf("%w: a link is at the name", ErrReplaced)
	}
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: name, Err: err}
	}
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "fstat", Path: name, Err: err}
	}
	h.info = fromStat(&st)
	if h.info.dev != pre.dev || h.info.ino != pre.ino {
		unix.Close(fd)
		return nil, fmt.Errorf("%w: swapped while it was being opened", ErrReplaced)
	}
	// Plain blocking I/O from here: os.File would otherwise hand a
	// non-blocking descriptor to the poller.
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "fcntl", Path: name, Err: err}
	}
	h.f = os.NewFile(uintptr(fd), name)
	var sfs unix.Statfs_t
	if write && unix.Fstatfs(fd, &sfs) == nil {
		h.note = overwriteNote(fsName(&sfs))
	}
	return h, nil
}

// walkDirs opens the folder comps names beneath rootfd one component at a
// time with openat(O_DIRECTORY|O_NOFOLLOW), so a symbolic link anywhere
// fails instead of being followed. The caller closes the result.
func walkDirs(rootfd int, comps []string) (int, error) {
	fd := rootfd
	for i, c := range comps {
		next, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if fd != rootfd {
			unix.Close(fd)
		}
		if err != nil {
			return -1, dirError(path.Join(comps[:i+1]...), err)
		}
		fd = next
	}
	return fd, nil
}

// dirError maps a failed open of a folder: with O_DIRECTORY|O_NOFOLLOW a
// symbolic link fails with ELOOP or ENOTDIR depending on the OS, and a file
// where a folder was gives ENOTDIR.
func dirError(p string, err error) error {
	if err == unix.ELOOP || err == unix.ENOTDIR {
		return fmt.Errorf("%s: %w: a link or not a folder", p, ErrReplaced)
	}
	return &os.PathError{Op: "open", Path: p, Err: err}
}

func fromStat(st *unix.Stat_t) fileInfo {
	k := kindOther
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		k = kindRegular
	case unix.S_IFLNK:
		k = kindLink
	case unix.S_IFDIR:
		k = kindDir
	}
	return fileInfo{
		kind:  k,
		dev:   uint64(st.Dev),
		ino:   uint64(st.Ino),
		nlink: uint64(st.Nlink),
		size:  st.Size,
		mtime: time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)),
		alloc: roundUp(st.Size, int64(st.Blksize)),
	}
}

func (h *handle) stat() (fileInfo, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.f.Fd()), &st); err != nil {
		return fileInfo{}, &os.PathError{Op: "fstat", Path: h.name, Err: err}
	}
	return fromStat(&st), nil
}

// remove renames and unlinks through the parent folder's descriptor. Names
// are all that rename and unlink take, so the name is checked to still be
// this file before the rename, and the random name after it: a user who
// swaps a link or another file in meanwhile gets it back untouched.
func (h *handle) remove() error {
	dirfd := int(h.dir.Fd())
	if err := h.isOurs(h.name); err != nil {
		return err
	}
	tmp, err := renameRandom(
		func(to string) error { return renameNoReplace(dirfd, h.name, to) },
		func(err error) bool { return err == unix.EEXIST })
	if err != nil {
		return err
	}
	if err := h.isOurs(tmp); err != nil {
		if rerr := renameNoReplace(dirfd, tmp, h.name); rerr != nil {
			return errors.Join(err, fmt.Errorf("renaming %s back to %s: %w", tmp, h.name, rerr))
		}
		return err
	}
	if err := unix.Unlinkat(dirfd, tmp, 0); err != nil {
		return &os.PathError{Op: "unlinkat", Path: tmp, Err: err}
	}
	// The delete is durable once the folder is synced (fsync(2)); Sync uses
	// F_FULLFSYNC on darwin.
	if err := h.dir.Sync(); err != nil {
		return fmt.Errorf("syncing the folder: %w", err)
	}
	return nil
}

// isOurs returns ErrReplaced unless name in the folder is h's file.
func (h *handle) isOurs(name string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(int(h.dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "fstatat", Path: name, Err: err}
	}
	if got := fromStat(&st); got.kind != kindRegular || got.dev != h.info.dev || got.ino != h.info.ino {
		return fmt.Errorf("%w: %s changed before the delete", ErrReplaced, name)
	}
	return nil
}

// renameIfAbsent renames from to to in dirfd unless to exists. It is the
// fallback where the kernel or filesystem has no no-replace rename; the
// check and the rename race, but to is 128 random bits nobody can guess.
func renameIfAbsent(dirfd int, from, to string) error {
	var st unix.Stat_t
	switch err := unix.Fstatat(dirfd, to, &st, unix.AT_SYMLINK_NOFOLLOW); err {
	case nil:
		return unix.EEXIST
	case unix.ENOENT:
		return unix.Renameat(dirfd, from, dirfd, to)
	default:
		return err
	}
}

func (h *handle) close() error {
	var errs []error
	if h.f != nil {
		errs = append(errs, h.f.Close())
		h.f = nil
	}
	if h.dir != nil {
		errs = append(errs, h.dir.Close())
		h.dir = nil
	}
	return errors.Join(errs...)
}
