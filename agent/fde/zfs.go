package fde

import (
	"fmt"
	"strings"
)

// zfsGetArgs asks ZFS for a dataset's native encryption: with -H and
// -o value, `zfs get` prints one value a line, in the order asked.
func zfsGetArgs(dataset string) []string {
	return []string{"get", "-H", "-o", "value", "encryption,keystatus", dataset}
}

// parseZFSGet reads the output of `zfs get -H -o value encryption,keystatus`:
//
//	aes-256-gcm
//	available
//
// encryption is "off" or a cipher; keystatus is "available", "unavailable",
// or "-" for a dataset that is not encrypted.
func parseZFSGet(out []byte) (encryption, keystatus string, err error) {
	var vals []string
	for l := range strings.Lines(string(out)) {
		if l = strings.TrimSpace(l); l != "" {
			vals = append(vals, l)
		}
	}
	if len(vals) != 2 {
		return "", "", fmt.Errorf("zfs get: want 2 values, got %d: %q", len(vals), out)
	}
	return vals[0], vals[1], nil
}

// zfsVolume turns a dataset's answer into a Volume.
func zfsVolume(v Volume, out []byte) Volume {
	enc, ks, err := parseZFSGet(out)
	switch {
	case err != nil:
		v.State, v.Reason = Unknown, err.Error()
	case enc == "off":
		v.State, v.Fix = NotEncrypted, linuxFix(v.Role)
		if v.Role == RoleData {
			v.Fix = fixZFSData
		}
		v.Reason = "ZFS native encryption is off for " + v.Device + " (a pool built on LUKS devices would not be recognised)"
	default:
		v.State, v.Method = Encrypted, "ZFS native"
		if ks == "unavailable" {
			v.Reason = "its key is not loaded"
		}
	}
	return v
}

// fixLinux is the honest way to full-disk encryption on an installed Linux
// PC. cryptsetup can encrypt a partition in place (cryptsetup reencrypt
// --encrypt), but not one in use as / without a rescue system, and a power
// cut midway loses the disk.
const fixLinux = "Full-disk encryption can only be turned on when reinstalling: reinstall with 'Encrypt the new installation' (LUKS) selected, then restore your files"

// fixLinuxData encrypts a data disk, which needs no reinstall: GNOME Disks
// offers LUKS when formatting.
const fixLinuxData = "Copy the files elsewhere, format the disk with encryption (Disks › Format Partition › 'Password protect volume (LUKS)'), then copy them back"

// fixZFSData: ZFS sets encryption when a dataset is created, never after.
const fixZFSData = "Create an encrypted dataset (zfs create -o encryption=on -o keyformat=passphrase POOL/NAME) and move the files into it"

// linuxFix is the fix for a volume with role.
func linuxFix(role string) string {
	if role == RoleData {
		return fixLinuxData
	}
	return fixLinux
}
