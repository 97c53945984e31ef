package fde

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sysfs reads the block layer's view of the devices under dir (/sys).
type sysfs struct{ dir string }

// errNotBlock: the filesystem is not on a block device (tmpfs, overlay,
// NFS ...).
var errNotBlock = errors.New("not on a block device")

// maxDepth bounds a walk down a device stack. Real stacks are a handful
// deep (filesystem, LV, crypt, md, partition, disk).
const maxDepth = 16

// cryptTypes are the cryptsetup types that encrypt, as they appear in the
// DM UUID cryptsetup gives a mapping: CRYPT-<type>-[<uuid>-]<name>
// (cryptsetup lib/libdevmapper.c dm_prepare_uuid; the names are
// lib/libcryptsetup.h's CRYPT_LUKS1 ...). VERITY and INTEGRITY check
// integrity, TEMP and SUBDEV are helper layers beneath a public type: none
// of them encrypts. A LUKS2 volume on a self-encrypting (OPAL) drive keeps
// the CRYPT-LUKS2- UUID while its target is dm-linear, so the UUID, not the
// target type, is what to read.
var cryptTypes = map[string]string{
	"LUKS1":   "LUKS1",
	"LUKS2":   "LUKS2",
	"PLAIN":   "dm-crypt plain",
	"BITLK":   "BitLocker (dm-crypt)",
	"TCRYPT":  "TrueCrypt/VeraCrypt",
	"FVAULT2": "FileVault 2 (dm-crypt)",
	"LOOPAES": "loop-AES",
}

// cryptMethod returns the encryption a DM UUID says its device does.
func cryptMethod(uuid string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(uuid), "CRYPT-")
	if !ok {
		return "", false
	}
	typ, _, _ := strings.Cut(rest, "-")
	m, ok := cryptTypes[typ]
	return m, ok
}

// mountedDevice returns the canonical sysfs folder of the block device a
// filesystem is on: /sys/dev/block/<major>:<minor> for most, and the source
// for btrfs, whose mounts carry an anonymous 0:N device number.
func (s sysfs) mountedDevice(m mount) (string, error) {
	if m.Major != 0 {
		link := filepath.Join(s.dir, "dev", "block", fmt.Sprintf("%d:%d", m.Major, m.Minor))
		dir, err := filepath.EvalSymlinks(link)
		if err != nil {
			return "", fmt.Errorf("device %d:%d of %s: %w", m.Major, m.Minor, m.Point, err)
		}
		return dir, nil
	}
	if !strings.HasPrefix(m.Source, "/dev/") {
		return "", errNotBlock
	}
	if name, ok := strings.CutPrefix(m.Source, "/dev/mapper/"); ok {
		ents, err := os.ReadDir(filepath.Join(s.dir, "block"))
		if err != nil {
			return "", fmt.Errorf("device %s of %s: %w", m.Source, m.Point, err)
		}
		for _, e := range ents {
			if s.read(filepath.Join(s.dir, "block", e.Name()), "dm/name") == name {
				return filepath.EvalSymlinks(filepath.Join(s.dir, "block", e.Name()))
			}
		}
		return "", fmt.Errorf("device %s of %s: no device-mapper device of that name in sysfs", m.Source, m.Point)
	}
	dir, err := filepath.EvalSymlinks(filepath.Join(s.dir, "class", "block", filepath.Base(m.Source)))
	if err != nil {
		return "", fmt.Errorf("device %s of %s: %w", m.Source, m.Point, err)
	}
	return dir, nil
}

// btrfsMembers returns every device of the btrfs filesystem on dev, from
// /sys/fs/btrfs/<fsid>/devices/: one btrfs filesystem may span several
// disks, and mountinfo names only one. For anything else, just dev.
func (s sysfs) btrfsMembers(m mount, dev string) []string {
	if m.FSType != "btrfs" {
		return []string{dev}
	}
	fsids, _ := filepath.Glob(filepath.Join(s.dir, "fs", "btrfs", "*", "devices"))
	for _, d := range fsids {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		var members []string
		found := false
		for _, e := range ents {
			p, err := filepath.EvalSymlinks(filepath.Join(d, e.Name()))
			if err != nil {
				continue
			}
			members = append(members, p)
			found = found || p == dev
		}
		if found {
			return members
		}
	}
	return []string{dev}
}

// walkResult is what a walk down a device stack found.
type walkResult struct {
	methods []string // encryption layers met, each once
	plain   []string // bottom devices reached without passing an encryption layer
	leaves  []leaf   // every bottom device
	verity  bool     // a dm-verity layer was met
}

// leaf is a device at the bottom of a stack: a disk, or a loop device.
type leaf struct {
	name      string
	usb       bool
	removable bool
	loop      bool
}

func (w *walkResult) notFixed() bool {
	for _, l := range w.leaves {
		if l.usb || l.removable {
			return true
		}
	}
	return false
}

func (w *walkResult) allLoop() bool {
	for _, l := range w.leaves {
		if !l.loop {
			return false
		}
	}
	return len(w.leaves) > 0
}

// walk goes down from the device in dir to the disks: a partition to its
// disk, a device-mapper or md device to every device in slaves/. under names
// the encryption layer above dir, "" if none.
func (s sysfs) walk(dir string, depth int, under string, w *walkResult) error {
	if depth > maxDepth {
		return fmt.Errorf("device stack under %s is more than %d deep", filepath.Base(dir), maxDepth)
	}
	uuid := s.read(dir, "dm/uuid")
	if m, ok := cryptMethod(uuid); ok {
		if !slices.Contains(w.methods, m) {
			w.methods = append(w.methods, m)
		}
		under = m
	}
	if strings.HasPrefix(uuid, "CRYPT-VERITY-") {
		w.verity = true
	}
	below, err := s.below(dir)
	if err != nil {
		return err
	}
	if len(below) == 0 {
		l := s.leaf(dir)
		w.leaves = append(w.leaves, l)
		if under == "" {
			w.plain = append(w.plain, l.name)
		}
		return nil
	}
	for _, b := range below {
		if err := s.walk(b, depth+1, under, w); err != nil {
			return err
		}
	}
	return nil
}

// below returns the devices the device in dir is built on.
func (s sysfs) below(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, "partition")); err == nil {
		return []string{filepath.Dir(dir)}, nil
	}
	ents, err := os.ReadDir(filepath.Join(dir, "slaves"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the devices under %s: %w", filepath.Base(dir), err)
	}
	var out []string
	for _, e := range ents {
		p, err := filepath.EvalSymlinks(filepath.Join(dir, "slaves", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading the devices under %s: %w", filepath.Base(dir), err)
		}
		out = append(out, p)
	}
	return out, nil
}

// leaf describes a bottom device. A USB disk's canonical sysfs path runs
// through its host controller's root hub, a folder named usb<N> (platform
// notes §1.1); removable is the "media may change" flag of card readers and
// optical drives.
func (s sysfs) leaf(dir string) leaf {
	l := leaf{name: filepath.Base(dir)}
	l.loop = strings.HasPrefix(l.name, "loop")
	l.removable = s.read(dir, "removable") == "1"
	if rel, err := filepath.Rel(s.dir, dir); err == nil {
		for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
			if n, ok := strings.CutPrefix(part, "usb"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
				l.usb = true
			}
		}
	}
	return l
}

// devName names the device in dir as a person would: /dev/mapper/<name>
// for a device-mapper device, /dev/<name> otherwise.
func (s sysfs) devName(dir string) string {
	if n := s.read(dir, "dm/name"); n != "" {
		return "/dev/mapper/" + n
	}
	return "/dev/" + filepath.Base(dir)
}

// read returns a sysfs attribute, trimmed; "" when absent.
func (s sysfs) read(dir, attr string) string {
	b, err := os.ReadFile(filepath.Join(dir, attr))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
