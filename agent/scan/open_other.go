//go:build !unix && !windows

package scan

import (
	"errors"
	"fmt"
	"os"
)

func openRegular(path string) (*os.File, error) {
	return nil, fmt.Errorf("opening %s without following links: %w", path, errors.ErrUnsupported)
}
