// Package downloads watches every local user's Downloads folder, and the
// folders of the watch.paths setting, and reports each file there once it
// has settled: a regular file whose size and modification time have not
// changed for a while and that no browser is still writing.
//
// The agent runs as root or SYSTEM while users control what lies in their
// own folders, so the package never follows a link out of a folder it
// guards: FindRoots accepts a user's folder only inside their home and owned
// by them, and the Watcher reaches every file through real directories only.
package downloads

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Each OS file defines:
//
//	// findDownloads returns every local user's Downloads folder; skipped
//	// says why a user or folder was passed over.
//	func findDownloads(sys System) (roots []Root, skipped []error, err error)
//
//	// folderOwner names the owner of the folder at path that fi describes,
//	// with their numeric id (-1 where there is none).
//	func folderOwner(path string, fi fs.FileInfo) (user string, uid int)

// Sources of a Root.
const (
	SourceDownloads  = "downloads"
	SourceWatchPaths = "watch.paths"
)

// Root is a folder the Watcher guards, with everything beneath it.
type Root struct {
	Path   string // absolute and clean
	User   string // the owner: a user name (DOMAIN\name on Windows), or "" if unknown
	UID    int    // the owner's numeric id; -1 if unknown and on Windows
	Source string // SourceDownloads or SourceWatchPaths
}

// System is where FindRoots looks for the OS's users. Root prefixes every
// system path it reads (/etc/passwd, /Users, the home folders), as
// node_exporter's --path.rootfs does, so that tests point it at a fixture
// tree; empty means the real root. Windows reads its users from the
// registry and ignores it.
type System struct {
	Root string
}

// FindOptions says which folders FindRoots returns.
type FindOptions struct {
	Downloads bool     // every local user's Downloads folder (watch.downloads)
	Extra     []string // absolute folders from watch.paths; System.Root does not apply
}

// ErrSkipped is wrapped by FindRoots' error when it passed over some users
// or folders (a link, a folder outside its user's home or owned by someone
// else, an unreadable home). The roots returned with it are the usable ones.
var ErrSkipped = errors.New("folders skipped")

// Why a folder is passed over.
var (
	errNotRealDir = errors.New("a link or not a directory")
	errOutside    = errors.New("not a folder inside the user's home")
	errNotAbs     = errors.New("not an absolute path")
	errBadHome    = errors.New("not a home folder (relative, or a volume's root)")
)

// FindRoots returns the folders to watch, sorted by path. A folder that does
// not exist yet is returned too, since it may be created later. A folder
// inside another returned folder is dropped: one file belongs to one root.
func FindRoots(sys System, o FindOptions) ([]Root, error) {
	var roots []Root
	var skipped []error
	if o.Downloads {
		r, s, err := findDownloads(sys)
		if err != nil {
			return nil, fmt.Errorf("finding Downloads folders: %w", err)
		}
		roots, skipped = r, s
	}
	for _, p := range o.Extra {
		r, err := extraRoot(p)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		roots = append(roots, r)
	}
	roots, s := dedupe(roots)
	if skipped = append(skipped, s...); len(skipped) > 0 {
		return roots, fmt.Errorf("%w: %w", ErrSkipped, errors.Join(skipped...))
	}
	return roots, nil
}

// extraRoot makes a root of a watch.paths folder. The administrator chose
// the path, but not what is there now: a link is refused like anywhere else.
func extraRoot(p string) (Root, error) {
	if !filepath.IsAbs(p) {
		return Root{}, fmt.Errorf("watch.paths %q: %w", p, errNotAbs)
	}
	r := Root{Path: filepath.Clean(p), UID: -1, Source: SourceWatchPaths}
	fi, err := os.Lstat(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, nil
	case err != nil:
		return Root{}, fmt.Errorf("watch.paths %s: %w", r.Path, err)
	case fi.Mode().Type() != fs.ModeDir:
		return Root{}, fmt.Errorf("watch.paths %s: %w", r.Path, errNotRealDir)
	}
	r.User, r.UID = folderOwner(r.Path, fi)
	return r, nil
}

// dedupe sorts roots by path and drops each one that is, or lies inside,
// one kept before it. For the same path a Downloads root wins, since it
// knows its user.
func dedupe(roots []Root) ([]Root, []error) {
	slices.SortStableFunc(roots, func(a, b Root) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Source, b.Source)
	})
	var kept []Root
	var skipped []error
next:
	for _, r := range roots {
		for _, k := range kept {
			if r.Path == k.Path || within(k.Path, r.Path) {
				if r.Path != k.Path || r.Source != k.Source {
					skipped = append(skipped, fmt.Errorf("%s (%s): already under root %s", r.Path, r.Source, k.Path))
				}
				continue next
			}
		}
		kept = append(kept, r)
	}
	return kept, skipped
}

// within reports whether child lies strictly inside parent, lexically.
func within(parent, child string) bool {
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != "." && filepath.IsLocal(rel)
}

// inside reports whether p is dir or lies beneath it; both are clean paths
// built from the same root, so a prefix test is enough.
func inside(dir, p string) bool {
	if p == dir {
		return true
	}
	return strings.HasPrefix(p, dir) && (strings.HasSuffix(dir, string(filepath.Separator)) || p[len(dir)] == filepath.Separator)
}

// lstatBeneath returns the Lstat of base/rel after checking that every
// folder between base and it is a real directory: Lstat follows links in the
// middle of a path, and such a link could lead out of base.
func lstatBeneath(base, rel string) (fs.FileInfo, error) {
	if rel == "." || !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%s beneath %s: %w", rel, base, errOutside)
	}
	parts := strings.Split(rel, string(filepath.Separator))
	p := base
	for _, part := range parts[:len(parts)-1] {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		if fi.Mode().Type() != fs.ModeDir {
			return nil, fmt.Errorf("%s: %w", p, errNotRealDir)
		}
	}
	return os.Lstat(filepath.Join(base, rel))
}

// pickFolder chooses a user's Downloads folder: conf, the one they
// configured, if check accepts it, else fallback. confErr says why the
// configuration could not be used; conf is "" when there is none. A folder
// that does not exist yet is still chosen, since it may be created later,
// unless the other one exists. The errors say why a folder was passed over.
func pickFolder(conf string, confErr error, fallback string, check func(string) error) (string, []error) {
	if conf == fallback {
		conf = ""
	}
	var skipped []error
	confMissing := false
	switch {
	case confErr != nil:
		skipped = append(skipped, confErr)
	case conf != "":
		err := check(conf)
		switch {
		case err == nil:
			return conf, nil
		case errors.Is(err, fs.ErrNotExist):
			confMissing = true
		default:
			skipped = append(skipped, fmt.Errorf("configured folder %s: %w", conf, err))
		}
	}
	err := check(fallback)
	switch {
	case err == nil:
		return fallback, skipped
	case !errors.Is(err, fs.ErrNotExist):
		return "", append(skipped, fmt.Errorf("folder %s: %w", fallback, err))
	case confMissing:
		return conf, skipped
	}
	return fallback, skipped
}
