//go:build !linux && !darwin && !windows

package fde

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

func (c *Checker) check(context.Context) ([]Volume, error) {
	return nil, fmt.Errorf("disk encryption on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func dirEncrypted(string) (bool, error) { return false, nil }
