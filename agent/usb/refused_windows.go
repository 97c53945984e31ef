package usb

import (
	"errors"

	"golang.org/x/sys/windows"
)

// writeProtected: Windows fails a write to write-protected media with
// ERROR_WRITE_PROTECT ("The media is write protected"), which Go maps to no
// portable error.
func writeProtected(err error) bool {
	return errors.Is(err, windows.ERROR_WRITE_PROTECT)
}
