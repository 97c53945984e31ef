// Package usb finds out whether a block device is USB mass storage and makes
// it read-only.
//
// Identification reads sysfs through a root a test can point at testdata/:
// a device counts as USB when one of its sysfs ancestors belongs to the
// `usb` subsystem. Neither the `removable` attribute nor udev's ID_BUS
// decides it: USB-SATA bridges report removable=0 and may carry ID_BUS=ata,
// while SD readers and optical drives report removable=1 (platform notes §1.1).
//
// Blocking is a set of primitives the caller combines and then verifies:
// SetReadOnly (the block layer's read-only flag, on the disk and on every
// partition, because the kernel keeps one flag per block device),
// RemountReadOnly for filesystems already mounted, and ProbeWrite to check
// that a mount really refuses writes. None of them stops raw access by a
// process that clears the flag again (root, CAP_SYS_ADMIN), nor writes
// already accepted by a filesystem mounted before the flag was set (notes §2).
//
// Every OS file must define:
//
//	func setReadOnly(devPath string, ro bool) error
//	func isReadOnly(devPath string) (bool, error)
//	func remountReadOnly(mountPoint string) error
//
// usb_other.go defines them as returning errors wrapping errors.ErrUnsupported.
package usb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Device is a block device and what Identify found out about it.
type Device struct {
	Name       string // the device asked about: sdb1, mmcblk0p1, loop3
	Disk       string // the whole disk holding Name (Name itself for a disk): sdb
	Partitions []string
	// Node opens the device: /dev/sdb1, /dev/disk4s1, \\.\E:. Linux
	// leaves it empty and opens /dev/<Name> under Env.SysRoot.
	Node         string
	Major, Minor uint32
	USB          bool   // the device counts as USB mass storage
	Vendor       string // idVendor of the USB device node, e.g. "0781"; "" when not USB
	Product      string // idProduct, e.g. "5583"
	// Serial is the USB serial string; "" when the device has none. A
	// device that counts only through extra_devices has its own serial
	// from sysfs instead (SD cards, virtio disks; a loop device's backing
	// file).
	Serial    string
	Removable bool   // the disk's `removable` attribute: logged, never decisive
	Why       string // why USB is what it is: "usb ancestor 1-1", "extra_devices match mmcblk*", "no usb ancestor"
}

// Rule allows a USB device to stay writable. An empty field matches
// anything; Vendor and Product are hex IDs compared case-insensitively (a
// leading 0x is ignored), Serial is compared exactly.
type Rule struct {
	Vendor  string
	Product string
	Serial  string
}

// ErrNotFound is returned by Identify when sysfs has no such device.
var ErrNotFound = errors.New("no such block device in sysfs")

// Allowed reports whether d may stay writable: it is not USB storage, or
// it matches one of the rules. A rule with every field empty matches every
// device; config validation should refuse it.
func Allowed(d Device, allow []Rule) bool {
	if !d.USB {
		return true
	}
	for _, r := range allow {
		if (r.Vendor == "" || sameHex(r.Vendor, d.Vendor)) &&
			(r.Product == "" || sameHex(r.Product, d.Product)) &&
			(r.Serial == "" || r.Serial == d.Serial) {
			return true
		}
	}
	return false
}

func sameHex(a, b string) bool {
	trim := func(s string) string {
		s = strings.TrimSpace(s)
		if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
			s = s[2:]
		}
		return s
	}
	return b != "" && strings.EqualFold(trim(a), trim(b))
}

// SetReadOnly sets the block layer's read-only flag (BLKROSET) on the block
// device devPath, e.g. /dev/sdb. The flag is per block device: set it on the
// disk and on each of its partitions.
func SetReadOnly(devPath string) error {
	if err := setReadOnly(devPath, true); err != nil {
		return fmt.Errorf("setting %s read-only: %w", devPath, err)
	}
	return nil
}

// IsReadOnly reports whether the block layer's read-only flag (BLKROGET) is
// set on devPath.
func IsReadOnly(devPath string) (bool, error) {
	ro, err := isReadOnly(devPath)
	if err != nil {
		return false, fmt.Errorf("reading the read-only flag of %s: %w", devPath, err)
	}
	return ro, nil
}

// RemountReadOnly remounts the filesystem mounted at mountPoint read-only.
func RemountReadOnly(mountPoint string) error {
	if err := remountReadOnly(mountPoint); err != nil {
		return fmt.Errorf("remounting %s read-only: %w", mountPoint, err)
	}
	return nil
}

// Refused reports whether err, from ProbeWrite, means the volume refuses
// writes: a read-only file system, or access denied (Windows' removable
// storage policy).
func Refused(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) || writeProtected(err)
}

// ProbeWrite creates and removes a temporary file in dir, to verify a block:
// on a read-only mount the error wraps syscall.EROFS.
func ProbeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".dataward-probe-*")
	if err != nil {
		return fmt.Errorf("probing write in %s: %w", dir, err)
	}
	name := f.Name()
	err = f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("probing write in %s: %w", filepath.Dir(name), err)
	}
	return nil
}
