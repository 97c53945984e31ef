//go:build unix

package state

import (
	"fmt"
	"os"
)

// syncDir makes a rename in dir durable: on POSIX the new directory entry
// is only on disk once the directory itself is fsynced (fsync(2)).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing state folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing state folder: %w", err)
	}
	return nil
}
