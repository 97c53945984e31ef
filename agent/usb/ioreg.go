package usb

import (
	"fmt"

	"howett.net/plist"
)

// usbIDs are a USB device's IDs as Device carries them: vendor and product
// as four lower-case hex digits (Linux's idVendor, "0781"), and the serial
// string, "" when the device has none.
type usbIDs struct {
	Vendor, Product, Serial string
}

// ioregArgs asks the IORegistry for every USB device with the whole subtree
// below it as a plist: `ioreg -r -c IOUSBHostDevice -l -a`. Below a USB
// mass-storage device hang its interface, the mass-storage (or UAS) driver,
// the SCSI nubs, the block storage driver and the IOMedia objects whose
// "BSD Name" is the disk, its partitions and, for APFS, the synthesized
// container and its volumes; so the nearest USB device above a BSD name is
// the one that holds it. system_profiler's SPUSBDataType also names the BSD
// disks, but its layout changed across releases and macOS 26 no longer has
// it (it became SPUSBHostDataType), while IOUSBHostDevice has been the USB
// device class since OS X 10.11.
var ioregArgs = []string{"-r", "-c", "IOUSBHostDevice", "-l", "-a"}

// parseIOReg reads the output of `ioreg -r -c IOUSBHostDevice -l -a` and
// maps every BSD name found below a USB device to that device's IDs. The
// nearest USB device wins: with -r, a hub's subtree holds the devices
// plugged into it, and ioreg may print those again as roots of their own.
func parseIOReg(b []byte) (map[string]usbIDs, error) {
	var v any
	if _, err := plist.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("ioreg: %w: %v", errMalformed, err)
	}
	var roots []any
	switch t := v.(type) {
	case []any:
		roots = t
	case map[string]any:
		roots = []any{t}
	default:
		return nil, fmt.Errorf("ioreg: %w: top level is %T", errMalformed, v)
	}
	out := make(map[string]usbIDs)
	for _, r := range roots {
		if d, ok := r.(map[string]any); ok {
			walkIOReg(d, nil, out, 0)
		}
	}
	return out, nil
}

// maxIORegDepth bounds the walk; a mass-storage subtree is about a dozen
// levels deep (device, interface, nubs, drivers, media, partition scheme,
// partitions, APFS container and volumes).
const maxIORegDepth = 64

func walkIOReg(d map[string]any, near *usbIDs, out map[string]usbIDs, depth int) {
	if depth > maxIORegDepth {
		return
	}
	if ids, ok := usbDeviceIDs(d); ok {
		near = &ids
	}
	if name := plistString(d, "BSD Name"); name != "" && near != nil {
		out[name] = *near
	}
	kids, _ := d["IORegistryEntryChildren"].([]any)
	for _, k := range kids {
		if kd, ok := k.(map[string]any); ok {
			walkIOReg(kd, near, out, depth+1)
		}
	}
}

// usbDeviceIDs returns the IDs of an IORegistry entry that is a USB device:
// it has idVendor and idProduct and is not one of the device's interfaces
// (IOUSBHostInterface repeats the IDs and adds bInterfaceNumber, but not
// the serial).
func usbDeviceIDs(d map[string]any) (usbIDs, bool) {
	if _, iface := d["bInterfaceNumber"]; iface {
		return usbIDs{}, false
	}
	vid, ok1 := plistUint16(d, "idVendor")
	pid, ok2 := plistUint16(d, "idProduct")
	if !ok1 || !ok2 {
		return usbIDs{}, false
	}
	serial := plistString(d, "kUSBSerialNumberString")
	if serial == "" {
		serial = plistString(d, "USB Serial Number")
	}
	return usbIDs{Vendor: fmt.Sprintf("%04x", vid), Product: fmt.Sprintf("%04x", pid), Serial: serial}, true
}

func plistUint16(d map[string]any, key string) (uint16, bool) {
	switch n := d[key].(type) {
	case uint64:
		if n <= 0xffff {
			return uint16(n), true
		}
	case int64:
		if n >= 0 && n <= 0xffff {
			return uint16(n), true
		}
	}
	return 0, false
}
