package downloads

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Regular users' ids when login.defs does not say (shadow-utils' defaults).
const (
	defaultUIDMin = 1000
	defaultUIDMax = 60000
)

// maxUserDirs caps what is read of a user's user-dirs.dirs: its owner can
// make it as large as their quota allows.
const maxUserDirs = 64 << 10

type passwdUser struct {
	name string
	uid  int
	home string
}

func findDownloads(sys System) ([]Root, []error, error) {
	lo, hi := defaultUIDMin, defaultUIDMax
	switch defs, err := os.ReadFile(sys.path("/etc/login.defs")); {
	case err == nil:
		lo, hi = parseLoginDefs(defs)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("reading login.defs: %w", err)
	}
	pw, err := os.ReadFile(sys.path("/etc/passwd"))
	if err != nil {
		return nil, nil, fmt.Errorf("reading users: %w", err)
	}
	var roots []Root
	var skipped []error
	for _, u := range parsePasswd(pw) {
		if u.uid < lo || u.uid > hi {
			continue
		}
		r, s := userRoot(sys, u)
		for _, e := range s {
			skipped = append(skipped, fmt.Errorf("user %s: %w", u.name, e))
		}
		if r.Path != "" {
			roots = append(roots, r)
		}
	}
	return roots, skipped, nil
}

// userRoot picks u's Downloads folder: XDG_DOWNLOAD_DIR if it is safe, else
// <home>/Downloads if that is.
func userRoot(sys System, u passwdUser) (Root, []error) {
	if !filepath.IsAbs(u.home) || filepath.Clean(u.home) == "/" {
		return Root{}, []error{fmt.Errorf("home %q: %w", u.home, errBadHome)}
	}
	home := sys.path(filepath.Clean(u.home))
	// The home comes from passwd, which the administrator wrote, so a link
	// there is theirs; it must still belong to the user.
	fi, err := os.Stat(home)
	switch {
	case err != nil:
		return Root{}, []error{fmt.Errorf("home: %w", err)}
	case !fi.IsDir() || ownerUID(fi) != u.uid:
		return Root{}, []error{fmt.Errorf("home %s: %w", home, errNotOwned)}
	}
	var conf string
	var confErr error
	switch data, err := readNoFollow(filepath.Join(home, ".config", "user-dirs.dirs"), maxUserDirs); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		confErr = fmt.Errorf("user-dirs.dirs: %w", err)
	default:
		switch v, err := parseUserDirs(data, filepath.Clean(u.home)); {
		case err != nil:
			confErr = fmt.Errorf("user-dirs.dirs: %w", err)
		case v == "":
		case !within(filepath.Clean(u.home), v):
			confErr = fmt.Errorf("XDG_DOWNLOAD_DIR %s: %w", v, errOutside)
		default:
			conf = sys.path(v)
		}
	}
	check := func(d string) error { return checkFolder(home, d, u.uid) }
	dir, skipped := pickFolder(conf, confErr, filepath.Join(home, "Downloads"), check)
	if dir == "" {
		return Root{}, skipped
	}
	return Root{Path: dir, User: u.name, UID: u.uid, Source: SourceDownloads}, skipped
}

// readNoFollow reads a small file that a user controls: O_NOFOLLOW refuses a
// link at its last component, O_NONBLOCK a FIFO's endless wait, and only a
// regular file of at most limit bytes is read.
func readNoFollow(path string, limit int64) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err == unix.ELOOP {
		return nil, fmt.Errorf("%s: %w", path, errNotRealFile)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, errNotRealFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, nil
}

var errNotRealFile = errors.New("a link or not a regular file")

// parseLoginDefs returns UID_MIN and UID_MAX, or their defaults.
func parseLoginDefs(data []byte) (lo, hi int) {
	lo, hi = defaultUIDMin, defaultUIDMax
	for line := range bytes.Lines(data) {
		f := strings.Fields(string(line))
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		switch f[0] {
		case "UID_MIN":
			lo = n
		case "UID_MAX":
			hi = n
		}
	}
	return lo, hi
}

// parsePasswd returns passwd(5)'s well-formed entries; NIS "+"/"-" lines
// and comments are skipped.
func parsePasswd(data []byte) []passwdUser {
	var users []passwdUser
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) != 7 || f[0] == "" || strings.ContainsAny(f[0][:1], "#+-") {
			continue
		}
		uid, err := strconv.Atoi(f[2])
		if err != nil || uid < 0 {
			continue
		}
		users = append(users, passwdUser{name: f[0], uid: uid, home: f[5]})
	}
	return users
}

// parseUserDirs returns XDG_DOWNLOAD_DIR from a user-dirs.dirs file, with
// $HOME expanded to home and cleaned, or "" when it is not set. The last
// assignment wins, as when a shell sources the file. user-dirs.dirs(5): the
// value is "$HOME/Path" or "/Path", shell-escaped, and "No other format is
// supported", so anything else is an error.
func parseUserDirs(data []byte, home string) (string, error) {
	var value string
	found := false
	for line := range bytes.Lines(data) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(string(line)), "XDG_DOWNLOAD_DIR="); ok {
			value, found = rest, true
		}
	}
	if !found {
		return "", nil
	}
	if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
		return "", fmt.Errorf("XDG_DOWNLOAD_DIR %s: not a quoted path", value)
	}
	v, err := expandUserDir(value[1:len(value)-1], home)
	if err != nil {
		return "", fmt.Errorf("XDG_DOWNLOAD_DIR %s: %w", value, err)
	}
	return v, nil
}

// expandUserDir expands a leading $HOME in the inside of a double-quoted
// shell word and undoes its escapes (\" \\ \$ \`). Any other unescaped $ or `
// is refused: a shell would expand it, and the agent cannot.
func expandUserDir(s, home string) (string, error) {
	var b strings.Builder
	if rest, ok := strings.CutPrefix(s, "$HOME"); ok && (rest == "" || rest[0] == '/') {
		b.WriteString(home)
		s = rest
	} else if !strings.HasPrefix(s, "/") {
		return "", errNotAbs
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0:
			i++
			b.WriteByte(s[i])
		case c == '$' || c == '`' || c == '"':
			return "", fmt.Errorf("unescaped %q", c)
		default:
			b.WriteByte(c)
		}
	}
	return filepath.Clean(b.String()), nil
}
