//go:build ignore

// gen writes the STORAGE_DEVICE_DESCRIPTOR fixtures (*.descriptor.hex):
// modelled from the structure winioctl.h and learn.microsoft.com document,
// not recorded. Run it from agent/usb:
//
//	go run testdata/windows/gen.go
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// descriptor is one modelled IOCTL_STORAGE_QUERY_PROPERTY answer.
type descriptor struct {
	file      string
	comment   string
	busType   uint32
	devType   byte // SCSI peripheral device type: 0 direct access
	removable bool
	queueing  bool
	// raw are the RawDeviceProperties: a USB stick's storage stack puts
	// its SCSI INQUIRY data there, so the strings do not start at 40.
	raw                               []byte
	vendor, product, revision, serial string // "" leaves the offset 0
}

func inquiry(vendor, product, rev string) []byte {
	b := make([]byte, 36)
	b[1] = 0x80 // removable medium bit
	b[2] = 0x06 // SPC-4
	b[4] = 31   // additional length
	copy(b[8:16], fmt.Sprintf("%-8s", vendor))
	copy(b[16:32], fmt.Sprintf("%-16s", product))
	copy(b[32:36], fmt.Sprintf("%-4s", rev))
	return b
}

var descriptors = []descriptor{
	{
		file:    "usb-stick.descriptor.hex",
		comment: "SanDisk Ultra Fit on USBSTOR: BusTypeUsb, RemovableMedia",
		busType: 7, removable: true,
		raw:    inquiry("SanDisk", "Ultra Fit", "1.00"),
		vendor: "SanDisk ", product: "Ultra Fit       ", revision: "1.00", serial: "4C530001230815117254",
	},
	{
		file:    "usb-ssd-uas.descriptor.hex",
		comment: "Samsung Portable SSD T5 on UASPStor: BusTypeUsb, fixed (DRIVE_FIXED)",
		busType: 7, queueing: true,
		vendor: "Samsung ", product: "Portable SSD T5 ", revision: "0   ", serial: "1234567DA123",
	},
	{
		file:    "nvme.descriptor.hex",
		comment: "internal NVMe SSD: BusTypeNvme, no vendor string, serial with dots",
		busType: 0x11, queueing: true,
		product: "Samsung SSD 970 EVO Plus 1TB", revision: "2B2QEXM7", serial: "0025_3852_91B0_1234.",
	},
	{
		file:    "sd-card.descriptor.hex",
		comment: "SD card in a reader on the SD host controller (sdbus): BusTypeSd, RemovableMedia",
		busType: 0x0C, removable: true,
		product: "SD32G", revision: "8.0", serial: "0x1a2b3c4d",
	},
	{
		file:    "virtual.descriptor.hex",
		comment: "a mounted VHDX: BusTypeFileBackedVirtual",
		busType: 0x0F,
		vendor:  "Msft    ", product: "Virtual Disk    ", revision: "1.0 ",
	},
}

func build(d descriptor) []byte {
	const header = 40 // sizeof(STORAGE_DEVICE_DESCRIPTOR), RawDeviceProperties[1] padded
	var strs bytes.Buffer
	offsets := make([]uint32, 4)
	at := uint32(header + max(0, len(d.raw)-4))
	for i, s := range []string{d.vendor, d.product, d.revision, d.serial} {
		if s == "" {
			continue
		}
		offsets[i] = at + uint32(strs.Len())
		strs.WriteString(s)
		strs.WriteByte(0)
	}
	size := at + uint32(strs.Len())
	b := make([]byte, size)
	le := binary.LittleEndian
	le.PutUint32(b[0:], header) // Version: sizeof(STORAGE_DEVICE_DESCRIPTOR)
	le.PutUint32(b[4:], size)
	b[8] = d.devType
	b[9] = 0
	if d.removable {
		b[10] = 1
	}
	if d.queueing {
		b[11] = 1
	}
	for i, o := range offsets {
		le.PutUint32(b[12+4*i:], o)
	}
	le.PutUint32(b[28:], d.busType)
	le.PutUint32(b[32:], uint32(len(d.raw)))
	copy(b[36:], d.raw)
	copy(b[at:], strs.Bytes())
	return b
}

func hexdump(comment string, b []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "# %s\n# modelled STORAGE_DEVICE_DESCRIPTOR, %d bytes, little-endian; written by gen.go\n", comment, len(b))
	for i := 0; i < len(b); i += 16 {
		line := b[i:min(i+16, len(b))]
		parts := make([]string, len(line))
		for j, c := range line {
			parts[j] = fmt.Sprintf("%02x", c)
		}
		fmt.Fprintf(&s, "%s\n", strings.Join(parts, " "))
	}
	return s.String()
}

func main() {
	dir := filepath.Join("testdata", "windows")
	for _, d := range descriptors {
		if err := os.WriteFile(filepath.Join(dir, d.file), []byte(hexdump(d.comment, build(d))), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
