package downloads

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

const (
	profileListKey  = `SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList`
	shellFoldersKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders`
)

func findDownloads(System) ([]Root, []error, error) {
	return windowsRoots(liveRegistry{}, checkProfileFolder)
}

// checkProfileFolder reports why dir is not a real directory reached from
// profile through real directories only: a junction or a symbolic link there
// could lead into another user's profile. Since Go 1.23 Lstat reports a
// junction as ModeIrregular, so "exactly ModeDir" refuses both.
func checkProfileFolder(profile, dir string) error {
	rel, err := filepath.Rel(profile, dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, errOutside)
	}
	fi, err := lstatBeneath(profile, rel)
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeDir {
		return errNotRealDir
	}
	return nil
}

func folderOwner(path string, _ fs.FileInfo) (string, int) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return "", -1
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return "", -1
	}
	return accountName(owner), -1
}

func accountName(sid *windows.SID) string {
	account, domain, _, err := sid.LookupAccount("")
	if err != nil {
		return sid.String()
	}
	return domain + `\` + account
}

// liveRegistry is the registry of this machine.
type liveRegistry struct{}

func (liveRegistry) profiles() ([]winProfile, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, profileListKey, registry.ENUMERATE_SUB_KEYS)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	sids, err := k.ReadSubKeyNames(-1)
	if err != nil {
		return nil, err
	}
	var out []winProfile
	for _, sid := range sids {
		p := winProfile{SID: sid}
		// A profile whose path cannot be read keeps it empty, and
		// windowsRoots reports it as skipped.
		if sk, err := registry.OpenKey(k, sid, registry.QUERY_VALUE); err == nil {
			p.ImagePath, _, _ = sk.GetStringValue("ProfileImagePath")
			sk.Close()
		}
		out = append(out, p)
	}
	return out, nil
}

func (liveRegistry) downloads(sid string) (string, bool, error) {
	k, err := registry.OpenKey(registry.USERS, sid+`\`+shellFoldersKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	defer k.Close()
	// GetStringValue leaves a REG_EXPAND_SZ unexpanded, as configuredWin needs.
	v, _, err := k.GetStringValue(downloadsFolderID)
	if errors.Is(err, registry.ErrNotExist) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (liveRegistry) account(sid string) string {
	s, err := windows.StringToSid(sid)
	if err != nil {
		return ""
	}
	account, domain, _, err := s.LookupAccount("")
	if err != nil {
		return ""
	}
	return domain + `\` + account
}

func (liveRegistry) systemDrive() string {
	if d := os.Getenv("SystemDrive"); d != "" {
		return d
	}
	return "C:"
}
