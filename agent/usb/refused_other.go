//go:build !windows

package usb

// writeProtected: outside Windows a refused write is EROFS or EACCES, which
// Refused already checks.
func writeProtected(error) bool { return false }
