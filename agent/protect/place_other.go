//go:build !linux && !darwin && !windows

package protect

import (
	"errors"
	"fmt"
)

func renameNoReplace(from, to string) error {
	return fmt.Errorf("renaming without replacing: %w", errors.ErrUnsupported)
}

func syncDir(string) error { return nil }
