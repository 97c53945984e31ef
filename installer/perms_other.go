//go:build !unix && !windows

package installer

func checkConfigPerms(string) error { return errUnsupportedOS }
