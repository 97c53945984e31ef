package downloads

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// This file is Windows' logic for finding Downloads folders, kept free of
// Windows calls so that every OS runs its tests on recorded registry data;
// roots_windows.go reads the live registry.

// downloadsFolderID is FOLDERID_Downloads (KnownFolders.h), the value name
// of the Downloads folder in a user's User Shell Folders key.
const downloadsFolderID = "{374DE290-123F-4565-9164-39C4925E467B}"

// winProfile is one subkey of HKLM\SOFTWARE\Microsoft\Windows
// NT\CurrentVersion\ProfileList.
type winProfile struct {
	SID       string `json:"sid"`
	ImagePath string `json:"profileImagePath"` // as stored, unexpanded
}

// winRegistry is what windowsRoots reads from the registry.
type winRegistry interface {
	profiles() ([]winProfile, error)
	// downloads returns a user's raw Downloads value from
	// HKU\<sid>\Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell
	// Folders; ok is false when their hive is not loaded or has none.
	downloads(sid string) (value string, ok bool, err error)
	// account names a user (DOMAIN\name), or returns "".
	account(sid string) string
	// systemDrive is %SystemDrive%, machine-wide, which a ProfileImagePath
	// may start with.
	systemDrive() string
}

// windowsRoots finds every user profile's Downloads folder. check(profile,
// dir) reports why dir is not a safe folder inside profile, with
// fs.ErrNotExist when it does not exist.
func windowsRoots(reg winRegistry, check func(profile, dir string) error) ([]Root, []error, error) {
	profiles, err := reg.profiles()
	if err != nil {
		return nil, nil, fmt.Errorf("reading ProfileList: %w", err)
	}
	slices.SortFunc(profiles, func(a, b winProfile) int { return strings.Compare(a.SID, b.SID) })
	var roots []Root
	var skipped []error
	for _, p := range profiles {
		// Users are S-1-5-21-… (local and Active Directory) and S-1-12-1-…
		// (Entra ID); the rest are service accounts (S-1-5-18, 19, 20). A
		// ".bak" key is a profile that Windows failed to load and set aside.
		if !(strings.HasPrefix(p.SID, "S-1-5-21-") || strings.HasPrefix(p.SID, "S-1-12-1-")) || strings.HasSuffix(p.SID, ".bak") {
			continue
		}
		profile, err := expandWin(p.ImagePath, map[string]string{"SYSTEMDRIVE": reg.systemDrive()})
		if err == nil {
			profile, err = cleanWin(profile)
		}
		if err == nil && profile == volumeWin(profile)+`\` {
			err = errBadHome
		}
		if err != nil {
			skipped = append(skipped, fmt.Errorf("user %s: ProfileImagePath %q: %w", p.SID, p.ImagePath, err))
			continue
		}
		name := reg.account(p.SID)
		if name == "" {
			name = profile[strings.LastIndexByte(profile, '\\')+1:]
		}
		conf, confErr := configuredWin(reg, p.SID, profile)
		dir, s := pickFolder(conf, confErr, profile+`\Downloads`, func(d string) error { return check(profile, d) })
		for _, e := range s {
			skipped = append(skipped, fmt.Errorf("user %s: %w", name, e))
		}
		if dir != "" {
			roots = append(roots, Root{Path: dir, User: name, UID: -1, Source: SourceDownloads})
		}
	}
	return roots, skipped, nil
}

// configuredWin returns the Downloads folder a user configured, with
// %USERPROFILE% expanded against their own profile: the service's
// ExpandEnvironmentStrings would give LocalSystem's. It is "" when the hive
// is not loaded (the user is not logged on) or has no value.
func configuredWin(reg winRegistry, sid, profile string) (string, error) {
	v, ok, err := reg.downloads(sid)
	if err != nil {
		return "", fmt.Errorf("reading the Downloads value: %w", err)
	}
	if !ok {
		return "", nil
	}
	c, err := expandWin(v, map[string]string{"USERPROFILE": profile})
	if err == nil {
		c, err = cleanWin(c)
	}
	switch {
	case err != nil:
		return "", fmt.Errorf("the Downloads value %q: %w", v, err)
	case !withinWin(profile, c):
		return "", fmt.Errorf("the Downloads value %q (%s): %w", v, c, errOutside)
	}
	return c, nil
}

// expandWin replaces each %NAME% (any case) with vars[NAME]; any other
// variable is an error, since the service's environment is not the user's.
func expandWin(s string, vars map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return "", errors.New("an unclosed %")
		}
		name := s[i+1 : i+1+j]
		v := vars[strings.ToUpper(name)]
		if v == "" {
			return "", fmt.Errorf("unknown variable %%%s%%", name)
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+2+j:]
	}
}

// cleanWin cleans an absolute Windows path (C:\… or \\server\share\…) as
// filepath.Clean does on Windows, but on every OS. It refuses names that
// Win32 would rewrite or read as more than a name (a trailing dot or space,
// a stream after ':', wildcards), so that the lexical checks mean what the
// file system will do.
func cleanWin(p string) (string, error) {
	p = strings.ReplaceAll(p, "/", `\`)
	vol := volumeWin(p)
	if vol == "" || !strings.HasPrefix(p[len(vol):], `\`) {
		return "", errNotAbs
	}
	rest := path.Clean(strings.ReplaceAll(p[len(vol):], `\`, "/"))
	for _, part := range strings.Split(rest[1:], "/") {
		if part != "" && (strings.ContainsAny(part, `:*?"<>|`) || strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ")) {
			return "", fmt.Errorf("name %q", part)
		}
	}
	return vol + strings.ReplaceAll(rest, "/", `\`), nil
}

// volumeWin returns p's drive ("C:") or UNC share ("\\server\share"), or "".
func volumeWin(p string) string {
	if len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z') {
		return p[:2]
	}
	if rest, ok := strings.CutPrefix(p, `\\`); ok {
		parts := strings.SplitN(rest, `\`, 3)
		if len(parts) >= 2 && parts[0] != "" && parts[1] != "" {
			return `\\` + parts[0] + `\` + parts[1]
		}
	}
	return ""
}

// withinWin reports whether child lies strictly inside parent; both are
// cleaned. Case is folded for ASCII only: Unicode folding differs from
// NTFS's upcase table, and a false match could reach another user's folder.
func withinWin(parent, child string) bool {
	return len(child) > len(parent)+1 && child[len(parent)] == '\\' && equalFoldASCII(child[:len(parent)], parent)
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
