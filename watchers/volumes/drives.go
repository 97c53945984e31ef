package volumes

// This file turns what Windows says about its drive letters into the mount
// table, on any OS, so that it is tested everywhere.

// The GetDriveTypeW values (fileapi.h).
const (
	driveUnknown   = 0 // DRIVE_UNKNOWN
	driveNoRootDir = 1 // DRIVE_NO_ROOT_DIR
	driveRemovable = 2 // DRIVE_REMOVABLE: sticks, card readers
	driveFixed     = 3 // DRIVE_FIXED: internal disks, and USB hard disks and SSDs
	driveRemote    = 4 // DRIVE_REMOTE: network shares
	driveCDROM     = 5 // DRIVE_CDROM
	driveRAMDisk   = 6 // DRIVE_RAMDISK
)

// fileReadOnlyVolume is GetVolumeInformationW's FILE_READ_ONLY_VOLUME.
const fileReadOnlyVolume = 0x00080000

// driveRecord is what the watcher learnt about one drive letter.
type driveRecord struct {
	Root   string // GetLogicalDriveStringsW: E:\
	Type   uint32 // GetDriveTypeW
	Volume string // GetVolumeNameForVolumeMountPointW: \\?\Volume{...}\; "" if it failed
	FSType string // GetVolumeInformationW's file system name: NTFS, FAT32, exFAT; "" if it failed
	Flags  uint32 // GetVolumeInformationW's file system flags
}

// probeDrive reports whether a drive of type t is worth asking about its
// volume: network shares and optical drives are not USB storage, and asking
// a share can block on the network; a letter without a root directory has
// nothing mounted.
func probeDrive(t uint32) bool {
	switch t {
	case driveRemovable, driveFixed, driveRAMDisk:
		return true
	}
	return false
}

var driveTypeNames = map[uint32]string{driveRemovable: "removable", driveFixed: "fixed", driveRAMDisk: "ramdisk"}

// driveMounts builds the mount table from the drive letters' records. It
// leaves out the drives probeDrive passes over and those whose volume could
// not be read: a card reader or optical drive without a medium keeps its
// letter but is not ready (gopsutil, which reads drives the same way,
// returns such drives as empty entries that callers must filter; notes
// §1.3). Source is the volume GUID path, which stays the same when the
// letter changes; Options are "ro" or "rw" and the drive type. Root is "/":
// a drive letter shows its volume from the top.
func driveMounts(recs []driveRecord) ([]Mount, error) {
	var ms []Mount
	for _, r := range recs {
		if !probeDrive(r.Type) || r.Volume == "" || r.FSType == "" {
			continue
		}
		m := Mount{Root: "/", Point: r.Root, Source: r.Volume, FSType: r.FSType,
			ReadOnly: r.Flags&fileReadOnlyVolume != 0}
		if m.ReadOnly {
			m.Options = []string{"ro", driveTypeNames[r.Type]}
		} else {
			m.Options = []string{"rw", driveTypeNames[r.Type]}
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		// The system drive is always there.
		return nil, errEmptyTable
	}
	return ms, nil
}
