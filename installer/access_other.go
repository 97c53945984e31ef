//go:build !unix && !windows

package installer

import (
	"fmt"
	"runtime"
)

func setAccess(p string, a access, dir bool) error {
	return fmt.Errorf("setting permissions on %s: %w", runtime.GOOS, errUnsupportedOS)
}
