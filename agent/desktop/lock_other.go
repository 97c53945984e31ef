//go:build !unix && !windows

package desktop

import (
	"errors"
	"fmt"
)

func defaultLock() string { return "" }

func acquireLock(string) (func(), error) {
	return nil, fmt.Errorf("single-instance lock: %w", errors.ErrUnsupported)
}
