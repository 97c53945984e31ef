package usb

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readDarwin(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "darwin", name))
	require.NoError(t, err)
	return b
}

func TestParseDiskInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want diskInfo
	}{
		{"diskutil-usb-stick.plist", diskInfo{Identifier: "disk4s1", Node: "/dev/disk4s1", WholeDisk: "disk4",
			Protocol: "USB", Removable: true, Ejectable: true}},
		{"diskutil-usb-ssd-apfs.plist", diskInfo{Identifier: "disk9s1", Node: "/dev/disk9s1", WholeDisk: "disk9",
			Protocol: "USB", Ejectable: true, Stores: []string{"disk8s2"}}},
		{"diskutil-sd-internal.plist", diskInfo{Identifier: "disk6s1", Node: "/dev/disk6s1", WholeDisk: "disk6",
			Protocol: "Secure Digital", Internal: true, Removable: true, Ejectable: true}},
		{"diskutil-internal-apfs.plist", diskInfo{Identifier: "disk3s5", Node: "/dev/disk3s5", WholeDisk: "disk3",
			Protocol: "Apple Fabric", Internal: true, Stores: []string{"disk0s2"}}},
		{"diskutil-disk-image.plist", diskInfo{Identifier: "disk7s1", Node: "/dev/disk7s1", WholeDisk: "disk7",
			Protocol: "Disk Image", Removable: true, Ejectable: true}},
		{"diskutil-thunderbolt.plist", diskInfo{Identifier: "disk11s1", Node: "/dev/disk11s1", WholeDisk: "disk11",
			Protocol: "PCI-Express", Ejectable: true, Stores: []string{"disk10s2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := parseDiskInfo(readDarwin(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDiskInfoErrors(t *testing.T) {
	t.Parallel()
	_, err := parseDiskInfo(readDarwin(t, "diskutil-not-found.plist"))
	require.ErrorIs(t, err, ErrNotFound, "a vanished disk is not found, not an error to log")
	assert.ErrorContains(t, err, "Could not find disk: disk12s1")

	other := []byte(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
<key>Error</key><true/><key>ErrorMessage</key><string>Unable to run as non-root</string></dict></plist>`)
	_, err = parseDiskInfo(other)
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrNotFound))
	assert.ErrorContains(t, err, "Unable to run as non-root")

	for name, in := range map[string]string{
		"empty":      "",
		"not plist":  "Volume STICK on disk4s1 unmounted",
		"array":      `<plist version="1.0"><array><string>disk4</string></array></plist>`,
		"not a disk": `<plist version="1.0"><dict><key>DeviceIdentifier</key><string>map auto_home</string></dict></plist>`,
	} {
		_, err := parseDiskInfo([]byte(in))
		assert.ErrorIs(t, err, errMalformed, name)
	}
}

func TestParseDiskInfoDefaults(t *testing.T) {
	t.Parallel()
	// A whole disk leaves out ParentWholeDisk on some releases; DeviceNode
	// follows from the identifier.
	got, err := parseDiskInfo([]byte(`<plist version="1.0"><dict>
<key>DeviceIdentifier</key><string>disk4s1</string><key>BusProtocol</key><string>USB</string>
<key>Internal</key><string>not a bool</string></dict></plist>`))
	require.NoError(t, err)
	assert.Equal(t, diskInfo{Identifier: "disk4s1", Node: "/dev/disk4s1", WholeDisk: "disk4", Protocol: "USB"}, got,
		"a key of the wrong type reads as absent")
}

func TestBSDName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/dev/disk4s1":   "disk4s1",
		"/dev/disk3s1s1": "disk3s1s1",
		"/dev/disk12":    "disk12",
		"/dev/rdisk4s1":  "disk4s1",
		"disk4s1":        "disk4s1",
		"devfs":          "",
		"map auto_home":  "",
		"server:/export": "",
		"//ann@nas/home": "",
		"/dev/disk":      "",
		"/dev/disk4s":    "",
		"/dev/sdb1":      "",
	} {
		got, ok := bsdName(in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, want != "", ok, in)
	}
	assert.Equal(t, "disk4", wholeDisk("disk4s1"))
	assert.Equal(t, "disk3", wholeDisk("disk3s1s1"))
	assert.Equal(t, "disk12", wholeDisk("disk12"))
}

// TestDarwinDevice runs each modelled diskutil answer against the modelled
// IORegistry and checks the whole decision.
func TestDarwinDevice(t *testing.T) {
	t.Parallel()
	reg, err := parseIOReg(readDarwin(t, "ioreg-usb.plist"))
	require.NoError(t, err)
	short, err := parseIOReg(readDarwin(t, "ioreg-ssd-no-container.plist"))
	require.NoError(t, err)
	tests := []struct {
		name  string
		file  string
		reg   map[string]usbIDs
		extra []string
		want  Device
	}{
		{"usb stick behind a hub", "diskutil-usb-stick.plist", reg, nil, Device{
			Name: "disk4s1", Disk: "disk4", Node: "/dev/disk4s1", USB: true, Removable: true,
			Vendor: "0781", Product: "5583", Serial: "4C530001230815117254", Why: "bus USB"}},
		{"usb-sata ssd, apfs volume in its container", "diskutil-usb-ssd-apfs.plist", reg, nil, Device{
			Name: "disk9s1", Disk: "disk9", Node: "/dev/disk9s1", USB: true,
			Vendor: "152d", Product: "0578", Serial: "0123456789ABCDEF", Why: "bus USB"}},
		{"apfs volume found through its physical store", "diskutil-usb-ssd-apfs.plist", short, nil, Device{
			Name: "disk9s1", Disk: "disk9", Node: "/dev/disk9s1", USB: true,
			Vendor: "152d", Product: "0578", Serial: "0123456789ABCDEF", Why: "bus USB"}},
		{"usb without the registry", "diskutil-usb-stick.plist", nil, nil, Device{
			Name: "disk4s1", Disk: "disk4", Node: "/dev/disk4s1", USB: true, Removable: true, Why: "bus USB"}},
		{"sd card in the internal usb reader", "diskutil-sd-internal.plist", reg, nil, Device{
			Name: "disk6s1", Disk: "disk6", Node: "/dev/disk6s1", USB: true, Removable: true,
			Vendor: "05ac", Product: "8406", Serial: "000000000820", Why: "bus Secure Digital (internal reader)"}},
		{"sd card in a pci reader", "diskutil-sd-internal.plist", short, nil, Device{
			Name: "disk6s1", Disk: "disk6", Node: "/dev/disk6s1", USB: true, Removable: true,
			Why: "bus Secure Digital (internal reader)"}},
		{"internal apfs", "diskutil-internal-apfs.plist", reg, nil, Device{
			Name: "disk3s5", Disk: "disk3", Node: "/dev/disk3s5", Why: "internal Apple Fabric"}},
		{"disk image", "diskutil-disk-image.plist", reg, nil, Device{
			Name: "disk7s1", Disk: "disk7", Node: "/dev/disk7s1", Removable: true, Why: "disk image"}},
		{"disk image named by extra_devices", "diskutil-disk-image.plist", reg, []string{"disk7"}, Device{
			Name: "disk7s1", Disk: "disk7", Node: "/dev/disk7s1", Removable: true, USB: true,
			Why: "extra_devices match disk7"}},
		{"thunderbolt is not usb", "diskutil-thunderbolt.plist", reg, []string{"disk4*"}, Device{
			Name: "disk11s1", Disk: "disk11", Node: "/dev/disk11s1", Why: "bus PCI-Express"}},
		{"thunderbolt named by extra_devices", "diskutil-thunderbolt.plist", reg, []string{"disk11s*"}, Device{
			Name: "disk11s1", Disk: "disk11", Node: "/dev/disk11s1", USB: true, Why: "extra_devices match disk11s*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			info, err := parseDiskInfo(readDarwin(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, darwinDevice(info, tt.reg, tt.extra))
		})
	}
}

// TestDarwinUSBRule checks Santa's rule case by case, beyond the fixtures.
func TestDarwinUSBRule(t *testing.T) {
	t.Parallel()
	anc := &usbIDs{Vendor: "0bda", Product: "9210"}
	tests := []struct {
		name string
		info diskInfo
		anc  *usbIDs
		usb  bool
		why  string
	}{
		{"external usb", diskInfo{Protocol: "USB"}, nil, true, "bus USB"},
		{"internal usb", diskInfo{Protocol: "USB", Internal: true}, anc, false, "internal USB"},
		{"external sd", diskInfo{Protocol: "Secure Digital"}, nil, true, "bus Secure Digital"},
		{"internal sd", diskInfo{Protocol: "Secure Digital", Internal: true}, nil, true, "bus Secure Digital (internal reader)"},
		{"virtual interface", diskInfo{Protocol: "Virtual Interface"}, anc, false, "disk image"},
		{"disk image on a usb stick", diskInfo{Protocol: "Disk Image"}, anc, false, "disk image"},
		{"external sata under a usb device", diskInfo{Protocol: "SATA"}, anc, true, "usb ancestor 0bda:9210"},
		{"external sata", diskInfo{Protocol: "SATA", Ejectable: true}, nil, false, "bus SATA"},
		{"no protocol", diskInfo{}, nil, false, "bus unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			usb, why := darwinUSB(tt.info, tt.anc)
			assert.Equal(t, tt.usb, usb)
			assert.Equal(t, tt.why, why)
		})
	}
}

func TestNeedsRegistry(t *testing.T) {
	t.Parallel()
	assert.True(t, needsRegistry(diskInfo{Protocol: "USB"}))
	assert.True(t, needsRegistry(diskInfo{Protocol: "Secure Digital", Internal: true}))
	assert.True(t, needsRegistry(diskInfo{Protocol: "PCI-Express"}), "an external disk may sit below a USB device")
	assert.False(t, needsRegistry(diskInfo{Protocol: "Apple Fabric", Internal: true}))
	assert.False(t, needsRegistry(diskInfo{Protocol: "Disk Image"}))
}

func TestUnmountBusy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out  string
		busy bool
	}{
		// Messages as published in bug reports and test suites.
		{"Volume SanDisk on disk4s1 failed to unmount: dissented by PID 632 (/System/Library/Frameworks/QuickLookUI.framework/QuickLookUIService)\nDissenter parent PPID 1 (/sbin/launchd)", true},
		{"diskutil unmount /dev/disk4s1: exit status 1: Volume STICK on disk4s1 failed to unmount: dissented by PID 471 (/bin/bash)", true},
		{"Forced unmount of disk3 failed: at least one volume could not be unmounted", true},
		{"umount(/Volumes/STICK): Resource busy -- try 'diskutil unmount'", true},
		{"Unmount failed for /dev/disk4s1", false},
		{"Could not find disk: disk9s1", false},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.busy, unmountBusy(tt.out), tt.out)
	}
}
