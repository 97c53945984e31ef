package installer

import (
	"fmt"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// fileDeleteChild is FILE_DELETE_CHILD: delete any file in a folder.
const fileDeleteChild = 0x40

// writeRights are the rights that let their holder change a file, or what
// a folder holds.
const writeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | fileDeleteChild |
	windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL

// trustedSIDs may change the config: LocalSystem, Administrators,
// TrustedInstaller; CREATOR OWNER only stands for a future owner.
var trustedSIDs = map[string]bool{
	"S-1-5-18":     true,
	"S-1-5-32-544": true,
	"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": true,
	"S-1-3-0": true,
}

func checkConfigPerms(path string) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		if why, err := unsafeWindows(p); err != nil {
			return fmt.Errorf("checking who can change the config: %w", err)
		} else if why != "" {
			return fmt.Errorf("%w: %s; fix it from an administrator prompt with: icacls %q /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F *S-1-5-32-545:RX /setowner *S-1-5-32-544 (or run dataward install again)",
				ErrUnsafeConfig, why, p)
		}
	}
	return nil
}

// unsafeWindows says how p's security descriptor lets someone else change
// the config, or "".
func unsafeWindows(p string) (string, error) {
	sd, err := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return "", err
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return "", err
	}
	if owner != nil && !trustedSIDs[owner.String()] {
		return fmt.Sprintf("%s is owned by %s", p, accountName(owner)), nil
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return "", err
	}
	if dacl == nil {
		return fmt.Sprintf("%s has no access list: everyone can change it", p), nil
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return "", err
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if ace.Mask&writeRights != 0 && !trustedSIDs[sid.String()] {
			return fmt.Sprintf("%s lets %s change it", p, accountName(sid)), nil
		}
	}
	return "", nil
}

func accountName(sid *windows.SID) string {
	if account, domain, _, err := sid.LookupAccount(""); err == nil {
		if domain != "" {
			return domain + `\` + account
		}
		return account
	}
	return sid.String()
}
