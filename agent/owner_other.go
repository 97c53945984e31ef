//go:build !unix && !windows

package agent

import "io/fs"

func fileOwner(fs.FileInfo) (int, string) { return -1, "" }

func userSID(string) string { return "" }
