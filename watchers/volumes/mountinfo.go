package volumes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// maxLine bounds a mountinfo line. The kernel caps paths at PATH_MAX
// (4096) and escapes a byte as at most four, so two paths, a source and the
// options fit well within it.
const maxLine = 256 << 10

// ErrMalformed is wrapped by ParseMountinfo's errors about a line it cannot
// read.
var ErrMalformed = errors.New("malformed mountinfo line")

// Mount is one line of /proc/self/mountinfo (proc(5)).
type Mount struct {
	ID           int    // unique per mount, reused after unmount
	Major, Minor uint32 // st_dev of files on the mount; join to /sys/dev/block/M:m
	Root         string // the directory of the filesystem mounted here (not "/" for binds)
	Point        string // mount point, relative to the process's root
	FSType       string // e.g. "vfat", "ext4", "fuse.sshfs"
	Source       string // e.g. "/dev/sdb1", or "none"
	// ReadOnly reports whether writes fail: the mount point options or the
	// super options say "ro". A mount is writable only if both sides are rw.
	ReadOnly     bool
	Options      []string // per mount point, e.g. rw, nosuid, relatime
	SuperOptions []string // per superblock, after " - "
}

// ParseMountinfo reads the format of /proc/[pid]/mountinfo:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// The optional fields (shared:, master:, ...) are skipped. Octal escapes
// (\040 for a space) in paths, source and options are decoded. A line it
// cannot read is an error naming its number, wrapping ErrMalformed.
func ParseMountinfo(r io.Reader) ([]Mount, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var ms []Mount
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m, err := parseLine(string(line))
		if err != nil {
			return nil, fmt.Errorf("mountinfo line %d: %w: %v", n, ErrMalformed, err)
		}
		ms = append(ms, m)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("mountinfo line %d: %w: longer than %d bytes", n+1, ErrMalformed, maxLine)
		}
		return nil, fmt.Errorf("reading mountinfo: %w", err)
	}
	return ms, nil
}

func parseLine(line string) (Mount, error) {
	var m Mount
	// Split on the ASCII space alone: the kernel escapes space, tab,
	// newline and backslash, but a label can hold U+00A0 or U+0085, which
	// strings.Fields would take for separators.
	f := strings.Split(line, " ")
	if slices.Contains(f, "") {
		return m, errors.New("empty field")
	}
	sep := slices.Index(f, "-")
	// Six fields before the optional ones, three after the separator.
	if sep < 6 || len(f) != sep+4 {
		return m, fmt.Errorf("%d fields, separator at %d", len(f), sep)
	}
	id, err := strconv.Atoi(f[0])
	if err != nil || id < 0 {
		return m, fmt.Errorf("mount id %q", f[0])
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return m, fmt.Errorf("parent id %q", f[1])
	}
	maj, min, ok := strings.Cut(f[2], ":")
	if !ok {
		return m, fmt.Errorf("major:minor %q", f[2])
	}
	ma, err1 := strconv.ParseUint(maj, 10, 32)
	mi, err2 := strconv.ParseUint(min, 10, 32)
	if err1 != nil || err2 != nil {
		return m, fmt.Errorf("major:minor %q", f[2])
	}
	m.ID, m.Major, m.Minor = id, uint32(ma), uint32(mi)
	if m.Root, err = unescape(f[3]); err != nil {
		return m, fmt.Errorf("root: %w", err)
	}
	if m.Point, err = unescape(f[4]); err != nil {
		return m, fmt.Errorf("mount point: %w", err)
	}
	if m.Options, err = options(f[5]); err != nil {
		return m, fmt.Errorf("mount options: %w", err)
	}
	if m.FSType, err = unescape(f[sep+1]); err != nil {
		return m, fmt.Errorf("fstype: %w", err)
	}
	if m.Source, err = unescape(f[sep+2]); err != nil {
		return m, fmt.Errorf("source: %w", err)
	}
	if m.SuperOptions, err = options(f[sep+3]); err != nil {
		return m, fmt.Errorf("super options: %w", err)
	}
	m.ReadOnly = slices.Contains(m.Options, "ro") || slices.Contains(m.SuperOptions, "ro")
	return m, nil
}

// options splits before unescaping: a comma inside an option's value comes
// escaped (seq_show_option escapes ",").
func options(s string) ([]string, error) {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := unescape(p)
		if err != nil {
			return nil, err
		}
		parts[i] = u
	}
	return parts, nil
}

// unescape decodes the kernel's mangle(): a backslash and three octal
// digits stand for one byte.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("short escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q in %q", s[i:i+4], s)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}
