package configs

import _ "embed"

// UdevRule is the udev rule that makes USB disks read-only as they arrive
// (Linux), in text/template syntax; agent/usb renders it with the
// config's usb.allow and usb.extra_devices.
//
//go:embed udev/70-dataward-usb.rules
var UdevRule string
