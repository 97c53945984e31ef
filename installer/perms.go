package installer

import "errors"

// ErrUnsafeConfig is wrapped by CheckConfigPerms' refusals.
var ErrUnsafeConfig = errors.New("config refused: someone other than an administrator can change it")

// CheckConfigPerms returns an error wrapping ErrUnsafeConfig when anyone
// but an administrator (or the user running dataward) could change the
// config at path, by writing it or by replacing it in its folder: the agent
// runs as root or SYSTEM, and a config such a user can edit would let them
// turn the policy off. The error says why and how to fix it.
//
// Unix: the file and its folder must be owned by root or by the user
// running dataward, and not writable by group or others (a folder with the
// sticky bit may be: nobody else can replace a file in it). Windows: their
// owner must be SYSTEM or Administrators, and no ACL entry may give anyone
// else a right to write, delete or change the ACL.
func CheckConfigPerms(path string) error {
	return checkConfigPerms(path)
}
