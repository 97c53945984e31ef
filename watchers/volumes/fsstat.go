package volumes

import "fmt"

// This file turns macOS's getfsstat(2) records into the mount table, on
// any OS, so that it is tested everywhere.

// fsstatRecord is the part of one struct statfs from getfsstat(2) the table
// needs.
type fsstatRecord struct {
	Point  string // f_mntonname: /, /System/Volumes/Data, /Volumes/STICK
	Source string // f_mntfromname: /dev/disk4s1, devfs, map auto_home
	FSType string // f_fstypename: apfs, msdos, exfat, hfs, devfs, autofs
	Flags  uint32 // f_flags: MNT_*
}

// The f_flags bits (<sys/mount.h> on macOS), with the names the table
// shows for them, in bit order. MNT_IGNORE_OWNERSHIP is also
// MNT_UNKNOWNPERMISSIONS.
const mntRdonly = 0x00000001

var mntNames = []struct {
	bit  uint32
	name string
}{
	{0x00000002, "sync"},
	{0x00000004, "noexec"},
	{0x00000008, "nosuid"},
	{0x00000010, "nodev"},
	{0x00000020, "union"},
	{0x00000040, "async"},
	{0x00000080, "protect"},
	{0x00000100, "exported"},
	{0x00000200, "removable"},
	{0x00000400, "quarantine"},
	{0x00001000, "local"},
	{0x00002000, "quota"},
	{0x00004000, "rootfs"},
	{0x00008000, "dovolfs"},
	{0x00100000, "nobrowse"},
	{0x00200000, "noowners"},
	{0x00400000, "automounted"},
	{0x00800000, "journaled"},
	{0x01000000, "nouserxattr"},
	{0x02000000, "defwrite"},
	{0x04000000, "multilabel"},
	{0x10000000, "noatime"},
	{0x40000000, "snapshot"},
	{0x80000000, "strictatime"},
}

// errEmptyTable is returned for a table without a single mount: every
// system has its root, so it is a failed read, and must not look like
// every volume unmounted.
var errEmptyTable = fmt.Errorf("reading mount table: %w: no mounts", ErrMalformed)

// fsstatMounts builds the mount table from getfsstat(2) records. Options
// are "ro" or "rw" followed by the names of the other flags set; macOS has
// one set of flags per mount, so SuperOptions stays empty. Root is "/": a
// macOS mount always shows its file system from the top (no bind mounts;
// nullfs is not shipped).
func fsstatMounts(recs []fsstatRecord) ([]Mount, error) {
	if len(recs) == 0 {
		return nil, errEmptyTable
	}
	ms := make([]Mount, 0, len(recs))
	for _, r := range recs {
		m := Mount{Root: "/", Point: r.Point, Source: r.Source, FSType: r.FSType, ReadOnly: r.Flags&mntRdonly != 0}
		if m.ReadOnly {
			m.Options = append(m.Options, "ro")
		} else {
			m.Options = append(m.Options, "rw")
		}
		for _, f := range mntNames {
			if r.Flags&f.bit != 0 {
				m.Options = append(m.Options, f.name)
			}
		}
		ms = append(ms, m)
	}
	return ms, nil
}
