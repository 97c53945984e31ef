//go:build !linux

package volumes

import (
	"errors"
	"fmt"
	"runtime"
)

type osState struct{}

// run has no source yet: macOS needs DiskArbitration or getfsstat(2),
// Windows volume arrival notifications; a periodic re-read of either is
// still to be written.
func (w *Watcher) run() error {
	return fmt.Errorf("volumes: watching mounts on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func (w *Watcher) wake() {}
