//go:build !linux && !darwin && !windows

package downloads

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
)

func findDownloads(System) ([]Root, []error, error) {
	return nil, nil, fmt.Errorf("users' Downloads folders on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func folderOwner(string, fs.FileInfo) (string, int) { return "", -1 }
