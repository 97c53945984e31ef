package usb

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readDescriptor reads a testdata/windows/*.descriptor.hex dump (written
// by testdata/windows/gen.go): hex bytes, # comments.
func readDescriptor(t *testing.T, name string) []byte {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", "windows", name+".descriptor.hex"))
	require.NoError(t, err)
	var digits strings.Builder
	for _, line := range strings.Split(string(text), "\n") {
		if line, _, _ = strings.Cut(line, "#"); line != "" {
			digits.WriteString(strings.Join(strings.Fields(line), ""))
		}
	}
	b, err := hex.DecodeString(digits.String())
	require.NoError(t, err)
	return b
}

var (
	stickDesc = storageDescriptor{BusType: busTypeUsb, Removable: true, Vendor: "SanDisk", Product: "Ultra Fit",
		Revision: "1.00", Serial: "4C530001230815117254"}
	uasDesc = storageDescriptor{BusType: busTypeUsb, Vendor: "Samsung", Product: "Portable SSD T5",
		Revision: "0", Serial: "1234567DA123"}
	nvmeDesc = storageDescriptor{BusType: 0x11, Product: "Samsung SSD 970 EVO Plus 1TB", Revision: "2B2QEXM7",
		Serial: "0025_3852_91B0_1234."}
	sdDesc      = storageDescriptor{BusType: busTypeSd, Removable: true, Product: "SD32G", Revision: "8.0", Serial: "0x1a2b3c4d"}
	virtualDesc = storageDescriptor{BusType: 0x0F, Vendor: "Msft", Product: "Virtual Disk", Revision: "1.0"}
)

func TestParseStorageDescriptor(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]storageDescriptor{
		"usb-stick": stickDesc, "usb-ssd-uas": uasDesc, "nvme": nvmeDesc, "sd-card": sdDesc, "virtual": virtualDesc,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := parseStorageDescriptor(readDescriptor(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestParseStorageDescriptorBounds(t *testing.T) {
	t.Parallel()
	b := readDescriptor(t, "usb-stick")

	// DeviceIoControl's buffer is larger than the descriptor: Size bounds
	// the strings, and what follows is ignored.
	padded := append(append([]byte{}, b...), make([]byte, 64)...)
	got, err := parseStorageDescriptor(padded)
	require.NoError(t, err)
	assert.Equal(t, stickDesc, got)

	_, err = parseStorageDescriptor(b[:35])
	require.ErrorIs(t, err, errMalformed, "shorter than the fixed fields")

	// A string offset past the end (a buffer cut short by the caller).
	_, err = parseStorageDescriptor(b[:80])
	require.ErrorIs(t, err, errMalformed)

	// An offset pointing into the fixed fields.
	bad := append([]byte{}, b...)
	binary.LittleEndian.PutUint32(bad[24:], 8)
	_, err = parseStorageDescriptor(bad)
	require.ErrorIs(t, err, errMalformed)

	// A string without its NUL runs to the end of the descriptor.
	cut := append([]byte{}, b[:len(b)-1]...)
	binary.LittleEndian.PutUint32(cut[4:], uint32(len(cut)))
	got, err = parseStorageDescriptor(cut)
	require.NoError(t, err)
	assert.Equal(t, "4C530001230815117254", got.Serial)
}

func TestBusName(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "usb", busName(7))
	assert.Equal(t, "sd", busName(0x0C))
	assert.Equal(t, "nvme", busName(0x11))
	assert.Equal(t, "nvme-of", busName(0x14))
	assert.Equal(t, "bus type 127", busName(0x7F))
}

func TestDriveLetter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`E:\`: "E", `e:\`: "E", "E:": "E", `Z:\`: "Z",
		`C:\mnt\stick\`: "", `\\?\Volume{6b1d3c52-0000-0000-0000-100000000000}\`: "", `\\nas\share`: "",
		"": "", `1:\`: "", "/media/stick": "",
	} {
		got, ok := driveLetter(in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, want != "", ok, in)
	}
}

// TestWindowsDevice combines the modelled descriptors with the modelled
// device-tree chains, as describe does.
func TestWindowsDevice(t *testing.T) {
	t.Parallel()
	chains := readChains(t)
	tests := []struct {
		name  string
		facts windowsFacts
		extra []string
		want  Device
	}{
		{"usb stick", windowsFacts{"E", 2, stickDesc, chains["usb-stick"]}, nil, Device{
			Name: "E:", Disk: "PhysicalDrive2", Node: `\\.\E:`, USB: true, Removable: true,
			Vendor: "0781", Product: "5583", Serial: "4C530001230815117254", Why: "bus usb via usbstor"}},
		{"usb ssd on uas, fixed", windowsFacts{"F", 3, uasDesc, chains["usb-ssd-uas"]}, nil, Device{
			Name: "F:", Disk: "PhysicalDrive3", Node: `\\.\F:`, USB: true,
			Vendor: "04e8", Product: "61f5", Serial: "1234567DA123", Why: "bus usb via uas"}},
		{"stick without a serial", windowsFacts{"G", 4, stickDesc, chains["stick-without-serial"]}, nil, Device{
			Name: "G:", Disk: "PhysicalDrive4", Node: `\\.\G:`, USB: true, Removable: true,
			Vendor: "058f", Product: "6387", Why: "bus usb via usbstor"}},
		{"usb bus but the tree walk failed", windowsFacts{"E", 2, stickDesc, nil}, nil, Device{
			Name: "E:", Disk: "PhysicalDrive2", Node: `\\.\E:`, USB: true, Removable: true,
			Serial: "4C530001230815117254", Why: "bus usb"}},
		{"usb device above a disk reporting scsi", windowsFacts{"H", 5, storageDescriptor{BusType: 1}, chains["usb-ssd-uas"]}, nil, Device{
			Name: "H:", Disk: "PhysicalDrive5", Node: `\\.\H:`, USB: true,
			Vendor: "04e8", Product: "61f5", Serial: "1234567DA123", Why: `usb ancestor USB\VID_04E8&PID_61F5\1234567DA123`}},
		{"sd card on the sd host", windowsFacts{"D", 1, sdDesc, chains["sd-host"]}, nil, Device{
			Name: "D:", Disk: "PhysicalDrive1", Node: `\\.\D:`, USB: true, Removable: true,
			Serial: "0x1a2b3c4d", Why: "bus sd"}},
		{"internal nvme", windowsFacts{"C", 0, nvmeDesc, chains["nvme"]}, nil, Device{
			Name: "C:", Disk: "PhysicalDrive0", Node: `\\.\C:`, Why: "bus nvme"}},
		{"nvme named by its letter", windowsFacts{"C", 0, nvmeDesc, chains["nvme"]}, []string{"[CD]"}, Device{
			Name: "C:", Disk: "PhysicalDrive0", Node: `\\.\C:`, USB: true, Serial: "0025_3852_91B0_1234.",
			Why: "extra_devices match [CD]"}},
		{"vhdx named by its disk", windowsFacts{"V", 6, virtualDesc, nil}, []string{"PhysicalDrive6"}, Device{
			Name: "V:", Disk: "PhysicalDrive6", Node: `\\.\V:`, USB: true, Why: "extra_devices match PhysicalDrive6"}},
		{"letter globs are case-sensitive", windowsFacts{"V", 6, virtualDesc, nil}, []string{"v"}, Device{
			Name: "V:", Disk: "PhysicalDrive6", Node: `\\.\V:`, Why: "bus file-backed virtual"}},
		{"unknown disk number", windowsFacts{"V", -1, virtualDesc, nil}, []string{"PhysicalDrive*"}, Device{
			Name: "V:", Node: `\\.\V:`, Why: "bus file-backed virtual"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, windowsDevice(tt.facts, tt.extra))
		})
	}
}

func TestWindowsMethod(t *testing.T) {
	t.Parallel()
	m, err := windowsMethod(driveRemovable)
	require.NoError(t, err)
	assert.Equal(t, winPolicy, m)
	assert.Equal(t, "policy Deny_Write+restart-device", m.how())

	m, err = windowsMethod(driveFixed)
	require.NoError(t, err)
	assert.Equal(t, winDiskAttribute, m)
	assert.Equal(t, "disk read-only attribute+dismount", m.how())

	for _, dt := range []uint32{0, 1, 4, 5, 6} { // unknown, no root, remote, CD-ROM, RAM disk
		_, err := windowsMethod(dt)
		assert.True(t, errors.Is(err, errors.ErrUnsupported), "drive type %d", dt)
	}
}

func TestPolicyKey(t *testing.T) {
	t.Parallel()
	// The key Group Policy writes for Removable Disks: Deny write access
	// (policy-csp-storage.md, RemovableDiskDenyWriteAccess).
	assert.Equal(t, `SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}`, policyKey)
	assert.True(t, strings.HasPrefix(policyKey, policyParent+`\`))
	assert.Equal(t, "Deny_Write", policyValue)
}

// FuzzParseStorageDescriptor checks that no buffer makes the parser panic
// or return a string from outside the descriptor.
func FuzzParseStorageDescriptor(f *testing.F) {
	for _, name := range []string{"usb-stick", "usb-ssd-uas", "nvme", "sd-card", "virtual"} {
		b, err := os.ReadFile(filepath.Join("testdata", "windows", name+".descriptor.hex"))
		if err != nil {
			f.Fatal(err)
		}
		var digits strings.Builder
		for _, line := range strings.Split(string(b), "\n") {
			if line, _, _ = strings.Cut(line, "#"); line != "" {
				digits.WriteString(strings.Join(strings.Fields(line), ""))
			}
		}
		raw, err := hex.DecodeString(digits.String())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseStorageDescriptor(b)
		if err != nil {
			return
		}
		for _, s := range []string{d.Vendor, d.Product, d.Revision, d.Serial} {
			if len(s) > len(b) {
				t.Fatalf("string %q longer than the buffer", s)
			}
		}
	})
}
