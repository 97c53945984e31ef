//go:build linux || darwin

package downloads

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

var errNotOwned = errors.New("not owned by the user")

func (s System) path(p string) string {
	if s.Root == "" {
		return p
	}
	return filepath.Join(s.Root, p)
}

func ownerUID(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// checkFolder reports why dir is not a safe Downloads folder for the user
// uid whose home is home: it must lie inside home, be reached through real
// directories only and be a real directory owned by uid, or a link could
// hand another user's files to the agent. A folder that does not exist
// returns an error wrapping fs.ErrNotExist.
func checkFolder(home, dir string, uid int) error {
	rel, err := filepath.Rel(home, dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, errOutside)
	}
	fi, err := lstatBeneath(home, rel)
	switch {
	case err != nil:
		return err
	case fi.Mode().Type() != fs.ModeDir:
		return errNotRealDir
	case ownerUID(fi) != uid:
		return fmt.Errorf("%w (owner uid %d)", errNotOwned, ownerUID(fi))
	}
	return nil
}

func folderOwner(_ string, fi fs.FileInfo) (string, int) {
	uid := ownerUID(fi)
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return name, uid
}

// findUsersFolders finds macOS's Downloads folders: <Root>/Users/*/Downloads,
// each owned by the owner of its home. It lives here rather than in
// roots_darwin.go so that Linux runs its tests too.
func findUsersFolders(sys System) ([]Root, []error, error) {
	base := sys.path("/Users")
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, nil, fmt.Errorf("listing users: %w", err)
	}
	var roots []Root
	var skipped []error
	for _, e := range entries {
		name := e.Name()
		// Shared is the machine's common folder; dot-entries are Finder's.
		if name == "Shared" || strings.HasPrefix(name, ".") {
			continue
		}
		home := filepath.Join(base, name)
		fi, err := os.Lstat(home)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("user %s: %w", name, err))
			continue
		}
		if fi.Mode().Type() != fs.ModeDir {
			continue
		}
		uid := ownerUID(fi)
		dir, s := pickFolder("", nil, filepath.Join(home, "Downloads"), func(d string) error { return checkFolder(home, d, uid) })
		for _, e := range s {
			skipped = append(skipped, fmt.Errorf("user %s: %w", name, e))
		}
		if dir != "" {
			roots = append(roots, Root{Path: dir, User: name, UID: uid, Source: SourceDownloads})
		}
	}
	return roots, skipped, nil
}
