//go:build unix

package installer

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

func checkConfigPerms(path string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("checking who can change the config: %w", err)
	}
	check := []string{real, filepath.Dir(path)}
	if d := filepath.Dir(real); d != check[1] {
		check = append(check, d)
	}
	for _, p := range check {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("checking who can change the config: %w", err)
		}
		if why := unsafeUnix(p, fi); why != "" {
			return fmt.Errorf("%w: %s; fix it with: sudo chown root %s && sudo chmod go-w %s",
				ErrUnsafeConfig, why, shellWord(p), shellWord(p))
		}
	}
	return nil
}

// unsafeUnix says how p lets someone else change the config, or "".
func unsafeUnix(p string, fi fs.FileInfo) string {
	kind := "the config"
	if fi.IsDir() {
		kind = "its folder"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return fmt.Sprintf("%s %s is owned by uid %d, not root", kind, p, st.Uid)
	}
	perm := fi.Mode().Perm()
	if fi.IsDir() && fi.Mode()&fs.ModeSticky != 0 {
		return ""
	}
	switch {
	case perm&0o002 != 0:
		return fmt.Sprintf("%s %s is writable by everyone (mode %04o)", kind, p, perm)
	case perm&0o020 != 0:
		return fmt.Sprintf("%s %s is writable by its group (mode %04o)", kind, p, perm)
	}
	return ""
}
