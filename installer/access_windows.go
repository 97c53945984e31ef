package installer

import (
	"golang.org/x/sys/windows"
)

func sddlOf(a access, dir bool) string {
	switch a {
	case accessPrivate, accessLogs:
		if dir {
			return sddlPrivateDir
		}
		return sddlPrivateFile
	}
	if dir {
		return sddlPublicDir
	}
	return sddlPublicFile
}

// setAccess replaces p's ACL and makes Administrators its owner.
func setAccess(p string, a access, dir bool) error {
	sd, err := windows.SecurityDescriptorFromString(sddlOf(a, dir))
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	admins, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(p, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION,
		admins, nil, dacl, nil)
}
