package usb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Identify describes the block device major:minor from the sysfs under
// sysRoot ("" or "/" on a live system; tests hand it a built tree holding
// sys/). extra are device-name globs (path.Match syntax, e.g. "mmcblk*",
// "loop*") that count as USB storage too; they are matched against the
// device's name and its disk's.
//
// Identify only reads files, so it is the same on every OS; only Linux has
// a sysfs to point it at.
func Identify(sysRoot string, major, minor uint32, extra []string) (Device, error) {
	if sysRoot == "" {
		sysRoot = "/"
	}
	d := Device{Major: major, Minor: minor}
	for _, g := range extra {
		if _, err := path.Match(g, ""); err != nil {
			return d, fmt.Errorf("extra_devices pattern %q: %w", g, err)
		}
	}
	// sys/dev/block/M:m is a relative link into sys/devices. Resolve it
	// lexically: the device folders below it are real folders.
	link := fmt.Sprintf("sys/dev/block/%d:%d", major, minor)
	target, err := os.Readlink(fromSlash(sysRoot, link))
	if errors.Is(err, fs.ErrNotExist) {
		return d, fmt.Errorf("identifying %d:%d: %w", major, minor, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("identifying %d:%d: %w", major, minor, err)
	}
	dir := path.Join(path.Dir(link), filepath.ToSlash(target))
	if path.IsAbs(target) || !strings.HasPrefix(dir, "sys/devices/") {
		return d, fmt.Errorf("identifying %d:%d: %s points outside sys/devices: %q", major, minor, link, target)
	}
	d.Name = path.Base(dir)
	diskDir := dir
	if exists(sysRoot, dir+"/partition") {
		diskDir = path.Dir(dir)
	}
	d.Disk = path.Base(diskDir)
	d.Removable = readAttr(sysRoot, diskDir+"/removable") == "1"
	d.Partitions = partitions(sysRoot, diskDir)

	// The nearest ancestor with idVendor is the USB device node (1-1); the
	// interface (1-1:1.0) between it and the SCSI host has none, and the
	// root hub (usb1) above it has the host controller's IDs.
	for p := path.Dir(diskDir); p != "sys/devices" && p != "sys" && p != "."; p = path.Dir(p) {
		if !d.USB && subsystem(sysRoot, p) == "usb" {
			d.USB = true
			d.Why = "usb ancestor " + path.Base(p)
		}
		if d.USB && exists(sysRoot, p+"/idVendor") {
			d.Vendor = readAttr(sysRoot, p+"/idVendor")
			d.Product = readAttr(sysRoot, p+"/idProduct")
			d.Serial = readAttr(sysRoot, p+"/serial")
			break
		}
	}
	if d.USB {
		return d, nil
	}
	for _, g := range extra {
		for _, n := range []string{d.Name, d.Disk} {
			if ok, _ := path.Match(g, n); ok {
				d.USB = true
				d.Why = "extra_devices match " + g
				d.Serial = ownSerial(sysRoot, diskDir)
				return d, nil
			}
		}
	}
	d.Why = "no usb ancestor"
	return d, nil
}

// ownSerial is the serial a device outside USB gives usb.allow to match:
// the disk's own serial (virtio, some SCSI disks), its card's (SD and MMC
// cards: device/serial), or for a loop device the file behind it, so that
// an administrator can exempt one disk image.
func ownSerial(root, diskDir string) string {
	for _, a := range []string{"serial", "device/serial", "loop/backing_file"} {
		if v := readAttr(root, diskDir+"/"+a); v != "" {
			return v
		}
	}
	return ""
}

// subsystem returns the base of the target of dir's subsystem link: "usb",
// "scsi", "pci", "block", or "" when dir has none.
func subsystem(root, dir string) string {
	t, err := os.Readlink(fromSlash(root, dir+"/subsystem"))
	if err != nil {
		return ""
	}
	return path.Base(filepath.ToSlash(t))
}

// partitions lists the partitions of the disk in diskDir: the subfolders
// holding a `partition` attribute.
func partitions(root, diskDir string) []string {
	ents, err := os.ReadDir(fromSlash(root, diskDir))
	if err != nil {
		return nil
	}
	var ps []string
	for _, e := range ents {
		if e.IsDir() && exists(root, diskDir+"/"+e.Name()+"/partition") {
			ps = append(ps, e.Name())
		}
	}
	return ps
}

func readAttr(root, p string) string {
	b, err := os.ReadFile(fromSlash(root, p))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func exists(root, p string) bool {
	_, err := os.Lstat(fromSlash(root, p))
	return err == nil
}

func fromSlash(root, p string) string {
	return filepath.Join(root, filepath.FromSlash(p))
}
