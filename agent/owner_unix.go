//go:build unix

package agent

import (
	"io/fs"
	"os/user"
	"strconv"
	"syscall"
)

// fileOwner returns the owning user of a file: its uid and name.
func fileOwner(fi fs.FileInfo) (int, string) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, ""
	}
	uid := int(st.Uid)
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return uid, name
}

// userSID is Windows' way to name a user; Unix peers are matched by uid.
func userSID(string) string { return "" }
