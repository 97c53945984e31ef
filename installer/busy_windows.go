package installer

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/windows"
)

// replace renames tmp over dst. Windows will not replace a program that
// runs (the per-user helpers run the installed dataward.exe), but it will
// rename it: the old one is moved aside and deleted at the next restart.
func replace(tmp, dst string) error {
	err := os.Rename(tmp, dst)
	if err == nil {
		return nil
	}
	aside := dst + ".old-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if rerr := os.Rename(dst, aside); rerr != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Rename(aside, dst)
		return err
	}
	if os.Remove(aside) != nil {
		deleteAtRestart(aside)
	}
	return nil
}

// removeLater schedules p, which Windows will not delete now because it
// runs, for deletion at the next restart, and reports whether it could.
func removeLater(p string) bool {
	return deleteAtRestart(p) == nil
}

func deleteAtRestart(p string) error {
	from, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return err
	}
	if err := windows.MoveFileEx(from, nil, windows.MOVEFILE_DELAY_UNTIL_REBOOT); err != nil {
		return fmt.Errorf("scheduling %s for deletion: %w", p, err)
	}
	return nil
}
