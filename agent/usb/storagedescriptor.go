package usb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// This file reads what Windows' storage stack answers about a volume and
// decides from it, on any OS, so that the decisions are tested on buffers
// laid out as the Windows SDK documents them.

// storageDescriptor is the part of a STORAGE_DEVICE_DESCRIPTOR, the answer
// to IOCTL_STORAGE_QUERY_PROPERTY with StorageDeviceProperty and
// PropertyStandardQuery, that describe uses.
type storageDescriptor struct {
	BusType   uint32 // STORAGE_BUS_TYPE
	Removable bool   // RemovableMedia: the disk class says removable (DRIVE_REMOVABLE)
	Vendor    string // the SCSI inquiry vendor, blanks trimmed; "" when absent
	Product   string
	Revision  string
	Serial    string // the device's own serial number, as the storage stack reports it
}

// The STORAGE_BUS_TYPE values describe tells apart (winioctl.h).
const (
	busTypeUsb = 0x07
	busTypeSd  = 0x0C
	busTypeMmc = 0x0D
)

// busNames names the STORAGE_BUS_TYPE values, in winioctl.h's order.
var busNames = []string{
	"unknown", "scsi", "atapi", "ata", "1394", "ssa", "fibre", "usb", "raid", "iscsi", "sas", "sata",
	"sd", "mmc", "virtual", "file-backed virtual", "storage spaces", "nvme", "scm", "ufs", "nvme-of",
}

func busName(t uint32) string {
	if int(t) < len(busNames) {
		return busNames[t]
	}
	return "bus type " + strconv.FormatUint(uint64(t), 10)
}

// storageDescriptorHeader is the size of STORAGE_DEVICE_DESCRIPTOR up to
// RawPropertiesLength: Version, Size (DWORDs); DeviceType,
// DeviceTypeModifier, RemovableMedia, CommandQueueing (bytes); the vendor,
// product, revision and serial offsets, BusType and RawPropertiesLength
// (DWORDs), little-endian.
const storageDescriptorHeader = 36

// parseStorageDescriptor reads a STORAGE_DEVICE_DESCRIPTOR as
// DeviceIoControl returned it (learn.microsoft.com, winioctl.h,
// STORAGE_DEVICE_DESCRIPTOR). The strings sit at their offsets from the
// start of the buffer, NUL-terminated; an offset of 0 means the device has
// none. Size, the descriptor's own length, bounds them.
func parseStorageDescriptor(b []byte) (storageDescriptor, error) {
	if len(b) < storageDescriptorHeader {
		return storageDescriptor{}, fmt.Errorf("storage descriptor: %w: %d bytes, want at least %d",
			errMalformed, len(b), storageDescriptorHeader)
	}
	le := binary.LittleEndian
	if size := le.Uint32(b[4:]); size >= storageDescriptorHeader && int(size) < len(b) {
		b = b[:size]
	}
	d := storageDescriptor{BusType: le.Uint32(b[28:]), Removable: b[10] != 0}
	var err error
	for _, f := range []struct {
		at  int
		dst *string
	}{{12, &d.Vendor}, {16, &d.Product}, {20, &d.Revision}, {24, &d.Serial}} {
		s, serr := descriptorString(b, le.Uint32(b[f.at:]))
		*f.dst = s
		err = errors.Join(err, serr)
	}
	if err != nil {
		return storageDescriptor{}, fmt.Errorf("storage descriptor: %w: %v", errMalformed, err)
	}
	return d, nil
}

func descriptorString(b []byte, off uint32) (string, error) {
	if off == 0 {
		return "", nil
	}
	if off < storageDescriptorHeader || int(off) >= len(b) {
		return "", fmt.Errorf("string offset %d outside the %d-byte descriptor", off, len(b))
	}
	s := b[off:]
	if i := strings.IndexByte(string(s), 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(string(s)), nil
}

// driveLetter returns the letter of a drive's root as the volume watcher
// reports it ("E:\" or "E:" → "E"), upper-cased, and false for anything
// else (a folder mount point, a UNC path).
func driveLetter(point string) (string, bool) {
	p := strings.TrimSuffix(point, `\`)
	if len(p) != 2 || p[1] != ':' {
		return "", false
	}
	c := p[0] &^ 0x20 // upper case
	if c < 'A' || c > 'Z' {
		return "", false
	}
	return string(c), true
}

// windowsFacts are what describe found out about a drive.
type windowsFacts struct {
	Letter     string // E
	DiskNumber int    // n of \\.\PhysicalDriven; -1 when the volume spans disks or it is unknown
	Desc       storageDescriptor
	// Chain is the disk's device instance ID followed by its ancestors' up
	// to the device tree's root; nil when the disk was not found there.
	Chain []string
}

// diskName names disk n as its device path does: PhysicalDrive2.
func diskName(n int) string {
	if n < 0 {
		return ""
	}
	return "PhysicalDrive" + strconv.Itoa(n)
}

// windowsDevice decides from the facts whether the drive counts as USB
// storage and builds the Device describe returns.
//
// USB: the storage stack reports BusTypeUsb, which both USB drivers
// (USBSTOR for Bulk-Only Transport, UASPStor for USB Attached SCSI) do; or
// a USB device sits above the disk in the device tree, as on Linux.
//
// SD and MMC (BusTypeSd, BusTypeMmc, a card in a reader on the SD host
// controller rather than on USB) count too: Windows lists such cards as
// removable disks, so the Removable Disks: Deny write access policy that
// enforce sets makes them read-only whatever describe says, and the macOS
// half counts SD cards as well (Santa's rule). Their Vendor and Product
// stay empty, so only a serial-only or empty usb.allow rule can exempt one.
//
// extra_devices globs are matched against the drive letter without its
// colon (E) and the disk's name (PhysicalDrive2); Windows names letters in
// upper case and path.Match is case-sensitive, so write them upper case.
func windowsDevice(f windowsFacts, extra []string) Device {
	d := Device{
		Name:      f.Letter + ":",
		Disk:      diskName(f.DiskNumber),
		Node:      `\\.\` + f.Letter + ":",
		Removable: f.Desc.Removable,
	}
	ids, id, above := usbAbove(f.Chain)
	via := ""
	if t := usbTransport(f.Chain); t != "" {
		via = " via " + t
	}
	switch {
	case f.Desc.BusType == busTypeUsb:
		d.USB, d.Why = true, "bus usb"+via
	case above:
		d.USB, d.Why = true, "usb ancestor "+id
	case f.Desc.BusType == busTypeSd || f.Desc.BusType == busTypeMmc:
		d.USB, d.Why = true, "bus "+busName(f.Desc.BusType)
	}
	if d.USB {
		if above {
			d.Vendor, d.Product, d.Serial = ids.Vendor, ids.Product, ids.Serial
		} else {
			// No USB device to take IDs from (an SD host controller, or
			// the device tree walk failed): the card's or disk's own
			// serial lets usb.allow name it.
			d.Serial = f.Desc.Serial
		}
		return d
	}
	for _, g := range extra {
		for _, n := range []string{f.Letter, d.Disk} {
			if n == "" {
				continue
			}
			if ok, _ := path.Match(g, n); ok {
				d.USB = true
				d.Why = "extra_devices match " + g
				d.Serial = f.Desc.Serial
				return d
			}
		}
	}
	d.Why = "bus " + busName(f.Desc.BusType)
	return d
}

// The GetDriveTypeW values block tells apart.
const (
	driveRemovable = 2 // DRIVE_REMOVABLE
	driveFixed     = 3 // DRIVE_FIXED
)

// winMethod is how block makes a Windows volume refuse writes.
type winMethod int

const (
	// winPolicy relies on the Removable Disks: Deny write access policy
	// (enforce) and restarts the disk's device node, so that every handle
	// is opened again under the policy.
	winPolicy winMethod = iota + 1
	// winDiskAttribute sets the disk's read-only attribute
	// (IOCTL_DISK_SET_DISK_ATTRIBUTES) and dismounts the volume, so that
	// its file system mounts again read-only. The policy covers removable
	// disks only, and Windows calls USB hard disks and SSDs fixed.
	winDiskAttribute
)

// how names a method as Block returns it.
func (m winMethod) how() string {
	switch m {
	case winPolicy:
		return "policy Deny_Write+restart-device"
	case winDiskAttribute:
		return "disk read-only attribute+dismount"
	}
	return ""
}

// windowsMethod picks the method for a drive of the given GetDriveTypeW
// type.
func windowsMethod(driveType uint32) (winMethod, error) {
	switch driveType {
	case driveRemovable:
		return winPolicy, nil
	case driveFixed:
		return winDiskAttribute, nil
	}
	return 0, fmt.Errorf("drive type %d is neither removable nor fixed: %w", driveType, errors.ErrUnsupported)
}

// The Removable Disks: Deny write access policy (Group Policy
// RemovableDisks_DenyWrite_Access_2, whose "Registry Key Name" the
// Storage/RemovableDiskDenyWriteAccess table of MicrosoftDocs
// policy-csp-storage.md gives; value name Deny_Write in
// policy-csp-admx-removablestorage.md): a REG_DWORD Deny_Write of 1 in this
// key of HKEY_LOCAL_MACHINE.
const (
	policyParent = `SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices`
	policyKey    = policyParent + `\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}`
	policyValue  = "Deny_Write"
)
