//go:build windows

package agent

import (
	"io/fs"

	"golang.org/x/sys/windows"
)

// fileOwner is left to the watched folder's owner on Windows, where a file's
// owner SID is often the Administrators group rather than the user.
func fileOwner(fs.FileInfo) (int, string) { return -1, "" }

// userSID returns the SID of a Windows account name, which is how the IPC
// server tells one desktop helper from another; "" if it cannot be found.
func userSID(name string) string {
	if name == "" {
		return ""
	}
	sid, _, _, err := windows.LookupSID("", name)
	if err != nil {
		return ""
	}
	return sid.String()
}
