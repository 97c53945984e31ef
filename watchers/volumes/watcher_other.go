//go:build !linux && !darwin && !windows

package volumes

import (
	"errors"
	"fmt"
	"runtime"
)

type osState struct{}

// run has no mount table to read on the remaining OSes (the BSDs would
// poll getfsstat(2) as macOS does).
func (w *Watcher) run() error {
	return fmt.Errorf("volumes: watching mounts on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func (w *Watcher) wake() {}
