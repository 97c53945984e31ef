// Package fde reports whether this PC's disks are encrypted at rest. Party
// policy says that any PC holding personal data must have full-disk
// encryption, so the agent checks the system volume, every fixed data
// volume and, where it is a different one, the volume holding the users'
// home folders.
//
// Linux: from each mounted filesystem down to the disks through sysfs; a
// device-mapper device whose dm/uuid cryptsetup began with CRYPT-LUKS1-,
// CRYPT-LUKS2-, CRYPT-PLAIN-, CRYPT-BITLK-, CRYPT-TCRYPT- (and the other
// cryptsetup types that encrypt) is an encryption layer, and a volume is
// encrypted only when every path down to a disk passes one. ZFS asks
// `zfs get encryption,keystatus`. Home folders encrypted on their own
// (fscrypt, eCryptfs) are reported as such, "home only", and leave the
// system volume not encrypted. macOS: `fdesetup status`. Windows: BitLocker
// through the WMI methods of Win32_EncryptableVolume, with `manage-bde
// -status` as the fallback. (Platform notes §3.)
package fde

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"dataward/agent/command"
)

// Every OS file defines:
//
//	(c *Checker) check(ctx context.Context) ([]Volume, error)
//		the volumes of this PC, in any order; an error only when nothing
//		could be said about any volume.
//	dirEncrypted(path string) (bool, error)
//		whether the filesystem itself encrypts a folder (Linux fscrypt);
//		false elsewhere.
//
// The parsers of command output (fdesetup, PowerShell's JSON, manage-bde,
// zfs) live in files without a build constraint, so that every OS's are
// tested everywhere on recorded output.

// State is what is known about one volume's encryption.
type State string

// The states of a volume.
const (
	// Encrypted: protected at rest.
	Encrypted State = "encrypted"
	// NotEncrypted: readable by anyone who takes the disk out.
	NotEncrypted State = "not_encrypted"
	// InProgress: being encrypted, see Volume.Percent.
	InProgress State = "in_progress"
	// Suspended: encrypted, but the key sits unprotected on the disk
	// (BitLocker suspended, or Device encryption waiting for activation).
	Suspended State = "suspended"
	// Unknown: could not be told; Volume.Reason says why.
	Unknown State = "unknown"
)

// The roles of a volume.
const (
	RoleSystem = "system" // holds the operating system
	RoleHome   = "home"   // holds users' home folders, where it is not the system volume
	RoleData   = "data"   // any other fixed volume
)

// Volume is one volume's encryption.
type Volume struct {
	// Mount is where the volume is: a mount point on Linux and macOS, a
	// drive letter ("C:") on Windows.
	Mount string `json:"mount"`
	// Device is the block device, ZFS dataset or Windows volume.
	Device string `json:"device,omitempty"`
	// Role is RoleSystem, RoleHome or RoleData.
	Role  string `json:"role"`
	State State  `json:"state"`
	// Method names the encryption: "LUKS2", "LUKS1", "dm-crypt plain",
	// "BitLocker (TPM only)", "FileVault", "ZFS native", "fscrypt (home
	// only)", "eCryptfs (home only)" ...
	Method string `json:"method,omitempty"`
	// Percent is how far encryption has got, for InProgress.
	Percent int `json:"percent,omitempty"`
	// Reason says why the state is Unknown, or adds what a person should
	// know ("TPM-only protection: weaker than TPM+PIN").
	Reason string `json:"reason,omitempty"`
	// Fix is one line a person can follow to encrypt the volume.
	Fix string `json:"fix,omitempty"`
}

// Options configures a Checker.
type Options struct {
	// SysRoot is the folder under which /proc, /sys and the mounted
	// filesystems are read on Linux; "/" when empty. Tests point it at a
	// recorded tree in testdata/.
	SysRoot string
	// Run runs an allowed external command; command.Run when nil.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
}

// runFunc runs an allowed external command (command.Run).
type runFunc = func(ctx context.Context, name string, args ...string) ([]byte, error)

// Checker checks this PC's volumes. It keeps no state between checks and
// may be used by several goroutines at once.
type Checker struct {
	root string
	run  runFunc
	// dirEncrypted reports whether a folder is encrypted by the filesystem
	// itself (fscrypt). Tests replace it: a recorded tree cannot carry the
	// kernel's flag.
	dirEncrypted func(path string) (bool, error)
}

// New returns a Checker.
func New(o Options) *Checker {
	c := &Checker{root: o.SysRoot, run: o.Run, dirEncrypted: dirEncrypted}
	if c.root == "" {
		c.root = "/"
	}
	if c.run == nil {
		c.run = command.Run
	}
	return c
}

// Check reports the encryption of the system volume, every fixed data volume
// and the volume holding users' home folders where that is another one:
// the system volume first, then home, then data volumes by mount. It fails
// only when nothing could be said about any volume; a volume whose state
// could not be told is Unknown with a Reason.
func (c *Checker) Check(ctx context.Context) ([]Volume, error) {
	vols, err := c.check(ctx)
	if err != nil {
		return nil, fmt.Errorf("checking disk encryption: %w", err)
	}
	sortVolumes(vols)
	return vols, nil
}

// Compliant reports whether every volume is encrypted and at least one was
// checked.
func Compliant(vols []Volume) bool {
	return len(vols) > 0 && !slices.ContainsFunc(vols, func(v Volume) bool { return v.State != Encrypted })
}

var roleOrder = map[string]int{RoleSystem: 0, RoleHome: 1, RoleData: 2}

func sortVolumes(vols []Volume) {
	slices.SortStableFunc(vols, func(a, b Volume) int {
		return cmp.Or(cmp.Compare(roleOrder[a.Role], roleOrder[b.Role]), cmp.Compare(a.Mount, b.Mount))
	})
}

// joinReasons joins the notes that apply, skipping empty ones.
func joinReasons(rs ...string) string {
	rs = slices.DeleteFunc(rs, func(s string) bool { return s == "" })
	return strings.Join(rs, "; ")
}
