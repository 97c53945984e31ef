//go:build !linux

package usb

import (
	"errors"
	"fmt"
	"runtime"
)

var errUnsupported = fmt.Errorf("usb blocking on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func setReadOnly(string, bool) error  { return errUnsupported }
func isReadOnly(string) (bool, error) { return false, errUnsupported }
func remountReadOnly(string) error    { return errUnsupported }
