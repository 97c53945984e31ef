package fde

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// mount is one line of Linux's /proc/<pid>/mountinfo (proc(5)).
type mount struct {
	Major, Minor int    // st_dev of the filesystem: 0 for virtual ones, and for btrfs
	Root         string // the folder of the filesystem mounted here: "/" unless a bind mount or subvolume
	Point        string // the mount point
	FSType       string
	Source       string // "/dev/nvme0n1p2", a ZFS dataset, "tmpfs" ...
}

// parseMountinfo parses mountinfo lines:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// The optional fields before "-" vary in number. Paths escape space, tab,
// newline and backslash as \ooo octal (the kernel's show_mountinfo).
func parseMountinfo(data []byte) ([]mount, error) {
	var ms []mount
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := strings.Fields(string(line))
		sep := -1
		for j := 6; j < len(f); j++ {
			if f[j] == "-" {
				sep = j
				break
			}
		}
		if len(f) < 7 || sep < 0 || len(f) < sep+3 {
			return nil, fmt.Errorf("mountinfo line %d: malformed: %q", i+1, line)
		}
		majS, minS, ok := strings.Cut(f[2], ":")
		maj, err1 := strconv.Atoi(majS)
		mnr, err2 := strconv.Atoi(minS)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("mountinfo line %d: bad major:minor %q", i+1, f[2])
		}
		ms = append(ms, mount{
			Major:  maj,
			Minor:  mnr,
			Root:   unescapeOctal(f[3]),
			Point:  unescapeOctal(f[4]),
			FSType: f[sep+1],
			Source: unescapeOctal(f[sep+2]),
		})
	}
	return ms, nil
}

// unescapeOctal undoes the kernel's \ooo escapes.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
