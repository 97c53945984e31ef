package usb

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"howett.net/plist"
)

// This file reads what macOS's diskutil prints and decides from it, on any
// OS, so that the decisions are tested on recorded and modelled outputs.

// errMalformed is wrapped by the errors of the parsers of command outputs
// (diskutil, ioreg, Windows' storage descriptors) about input they cannot
// read.
var errMalformed = errors.New("malformed command output")

// diskInfo is the part of `diskutil info -plist <device>` that describe
// uses. diskutil prints its keys for every kind of volume; a key it leaves
// out reads as "" or false.
type diskInfo struct {
	Identifier string // DeviceIdentifier: disk4s1
	Node       string // DeviceNode: /dev/disk4s1
	WholeDisk  string // ParentWholeDisk: disk4; for an APFS volume the synthesized container disk5
	Protocol   string // BusProtocol: USB, Secure Digital, SATA, PCI-Express, Apple Fabric, Disk Image
	Internal   bool
	// Removable is Removable or RemovableMedia: the medium can leave the
	// drive. USB-SATA disks report false; logged, never decisive.
	Removable bool
	Ejectable bool
	// Stores are the APFS physical stores behind an APFS volume or
	// container (disk4s2): the partitions the IORegistry hangs the
	// volume's USB device above.
	Stores []string
}

// parseDiskInfo reads `diskutil info -plist` output. diskutil answers a
// device it does not know with a plist holding Error and ErrorMessage (and
// exit status 1); that is an error naming the message, wrapping ErrNotFound
// for "Could not find disk".
func parseDiskInfo(b []byte) (diskInfo, error) {
	var v any
	if _, err := plist.Unmarshal(b, &v); err != nil {
		return diskInfo{}, fmt.Errorf("diskutil info: %w: %v", errMalformed, err)
	}
	d, ok := v.(map[string]any)
	if !ok {
		return diskInfo{}, fmt.Errorf("diskutil info: %w: top level is %T, not a dictionary", errMalformed, v)
	}
	if plistBool(d, "Error") {
		msg := plistString(d, "ErrorMessage")
		if msg == "" {
			msg = "no message"
		}
		if strings.Contains(strings.ToLower(msg), "could not find") {
			// The volume went away between the mount table and diskutil.
			return diskInfo{}, fmt.Errorf("diskutil info: %s: %w", msg, ErrNotFound)
		}
		return diskInfo{}, fmt.Errorf("diskutil info: %s", msg)
	}
	info := diskInfo{
		Identifier: plistString(d, "DeviceIdentifier"),
		Node:       plistString(d, "DeviceNode"),
		WholeDisk:  plistString(d, "ParentWholeDisk"),
		Protocol:   plistString(d, "BusProtocol"),
		Internal:   plistBool(d, "Internal"),
		Removable:  plistBool(d, "Removable") || plistBool(d, "RemovableMedia"),
		Ejectable:  plistBool(d, "Ejectable"),
	}
	if stores, ok := d["APFSPhysicalStores"].([]any); ok {
		for _, s := range stores {
			if sd, ok := s.(map[string]any); ok {
				if id := plistString(sd, "APFSPhysicalStore"); id != "" {
					info.Stores = append(info.Stores, id)
				}
			}
		}
	}
	if _, ok := bsdName(info.Identifier); !ok {
		return diskInfo{}, fmt.Errorf("diskutil info: %w: DeviceIdentifier %q is not a disk", errMalformed, info.Identifier)
	}
	if info.WholeDisk == "" {
		info.WholeDisk = wholeDisk(info.Identifier)
	}
	if info.Node == "" {
		info.Node = "/dev/" + info.Identifier
	}
	return info, nil
}

func plistString(d map[string]any, key string) string {
	s, _ := d[key].(string)
	return s
}

func plistBool(d map[string]any, key string) bool {
	b, _ := d[key].(bool)
	return b
}

// bsdDisk matches a BSD disk name: disk4, disk4s1, disk3s1s1 (an APFS
// snapshot).
var bsdDisk = regexp.MustCompile(`^disk[0-9]+(s[0-9]+)*$`)

// bsdName returns the BSD disk name of a mount's source as getfsstat(2)
// reports it (/dev/disk4s1 → disk4s1), and false for a source that is no
// disk: devfs, "map auto_home", an NFS export host:/path, //user@host/share.
func bsdName(source string) (string, bool) {
	name := strings.TrimPrefix(source, "/dev/")
	name = strings.TrimPrefix(name, "r") // the raw node /dev/rdisk4s1
	if !bsdDisk.MatchString(name) {
		return "", false
	}
	return name, true
}

// wholeDisk returns the whole disk of a BSD name: disk4s1 → disk4.
func wholeDisk(name string) string {
	if i := strings.IndexByte(name[len("disk"):], 's'); i >= 0 {
		return name[:len("disk")+i]
	}
	return name
}

// The BusProtocol values that decide (DiskArbitration's
// kDADiskDescriptionDeviceProtocolKey, which diskutil prints).
const (
	protoUSB           = "USB"
	protoSecureDigital = "Secure Digital"
	protoDiskImage     = "Disk Image"
	protoVirtual       = "Virtual Interface"
)

// darwinUSB reports whether a disk diskutil describes counts as USB
// storage, and why. It follows Santa's rule (google/santa,
// SNTEndpointSecurityDeviceManager.mm, shouldOperateOnDisk): an SD card
// counts even in an internal reader, because Apple's built-in readers
// report Internal (IOStorageProtocolCharacteristics.h gives "Physical
// Interconnect Location" Internal as the Secure Digital example); any other
// internal or virtual disk (a disk image) never counts; an external USB disk
// does. Santa also acts on removable or ejectable disks of any other bus
// (Thunderbolt, FireWire); this product blocks USB storage and SD cards
// only, so those stay writable unless extra_devices names them.
//
// usbAncestor is the USB device the IORegistry hangs the disk under, if
// any: an external disk whose protocol says otherwise but that sits below a
// USB device counts too, as on Linux.
func darwinUSB(info diskInfo, usbAncestor *usbIDs) (bool, string) {
	virtual := info.Protocol == protoDiskImage || info.Protocol == protoVirtual
	switch {
	case info.Protocol == protoSecureDigital && info.Internal:
		return true, "bus Secure Digital (internal reader)"
	case info.Protocol == protoSecureDigital:
		return true, "bus Secure Digital"
	case virtual:
		return false, "disk image"
	case info.Internal:
		return false, "internal " + protocolName(info.Protocol)
	case info.Protocol == protoUSB:
		return true, "bus USB"
	case usbAncestor != nil:
		return true, "usb ancestor " + usbAncestor.Vendor + ":" + usbAncestor.Product
	}
	return false, "bus " + protocolName(info.Protocol)
}

func protocolName(p string) string {
	if p == "" {
		return "unknown"
	}
	return p
}

// darwinDevice builds the Device describe returns from diskutil's answer,
// the IORegistry's USB devices by BSD name (nil when not asked), and the
// extra_devices globs, matched against the BSD names of the volume and its
// whole disk (disk4s1, disk4).
func darwinDevice(info diskInfo, reg map[string]usbIDs, extra []string) Device {
	d := Device{
		Name:      info.Identifier,
		Disk:      info.WholeDisk,
		Node:      info.Node,
		Removable: info.Removable,
	}
	ids, found := lookupIDs(reg, info)
	var anc *usbIDs
	if found {
		anc = &ids
	}
	d.USB, d.Why = darwinUSB(info, anc)
	if d.USB && found {
		d.Vendor, d.Product, d.Serial = ids.Vendor, ids.Product, ids.Serial
	}
	if d.USB {
		return d
	}
	for _, g := range extra {
		for _, n := range []string{d.Name, d.Disk} {
			if ok, _ := path.Match(g, n); ok {
				d.USB = true
				d.Why = "extra_devices match " + g
				return d
			}
		}
	}
	return d
}

// lookupIDs finds the USB device above a volume: by its own BSD name, its
// whole disk's, and for an APFS volume (whose container disk5 is
// synthesized) its physical stores' and their whole disks'.
func lookupIDs(reg map[string]usbIDs, info diskInfo) (usbIDs, bool) {
	names := []string{info.Identifier, info.WholeDisk}
	for _, s := range info.Stores {
		names = append(names, s, wholeDisk(s))
	}
	for _, n := range names {
		if ids, ok := reg[n]; ok && n != "" {
			return ids, true
		}
	}
	return usbIDs{}, false
}

// needsRegistry reports whether describe must ask the IORegistry about the
// disk: for the IDs of USB storage, and to look for a USB device above an
// external disk whose protocol is not USB. Internal disks and disk images
// are decided without it.
func needsRegistry(info diskInfo) bool {
	switch {
	case info.Protocol == protoSecureDigital:
		return true
	case info.Protocol == protoDiskImage, info.Protocol == protoVirtual, info.Internal:
		return false
	}
	return true
}

// unmountBusy reports whether diskutil's output for a failed unmount says
// the volume is in use: "Volume STICK on disk4s1 failed to unmount:
// dissented by PID 632 (/path)", "Unmount of disk4 failed: at least one
// volume could not be unmounted", or the kernel's EBUSY text.
func unmountBusy(out string) bool {
	s := strings.ToLower(out)
	for _, w := range []string{"dissented by", "could not be unmounted", "resource busy", "kdareturnbusy"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
