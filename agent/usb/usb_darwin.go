//go:build darwin

package usb

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
)

var errUnsupported = fmt.Errorf("usb blocking on %s: %w", runtime.GOOS, errors.ErrUnsupported)

// macOS has no block-layer read-only flag to set from user space; block
// remounts instead.
func setReadOnly(string, bool) error  { return errUnsupported }
func isReadOnly(string) (bool, error) { return false, errUnsupported }
func remountReadOnly(string) error    { return errUnsupported }

// describe asks diskutil about the mount's device and, when the disk may be
// USB storage, the IORegistry for its USB device's IDs. A failure of the
// second leaves the Device without IDs (so no usb.allow rule naming a
// vendor matches it and it is blocked) rather than failing: the caller
// ignores a volume it cannot describe.
func describe(ctx context.Context, env Env, m Mount) (Device, error) {
	for _, g := range env.Extra {
		if _, err := path.Match(g, ""); err != nil {
			return Device{}, fmt.Errorf("extra_devices pattern %q: %w", g, err)
		}
	}
	name, ok := bsdName(m.Source)
	if !ok {
		return Device{Name: m.Source, Why: "not a disk"}, nil
	}
	out, err := env.Run(ctx, "diskutil", "info", "-plist", "/dev/"+name)
	if err != nil {
		// diskutil reports an unknown device as a plist with Error set.
		if _, perr := parseDiskInfo(out); perr != nil && len(out) > 0 {
			return Device{Name: name}, errors.Join(perr, err)
		}
		return Device{Name: name}, err
	}
	info, err := parseDiskInfo(out)
	if err != nil {
		return Device{Name: name}, err
	}
	var reg map[string]usbIDs
	var regErr error
	if needsRegistry(info) {
		out, err := env.Run(ctx, "ioreg", ioregArgs...)
		if err == nil {
			reg, err = parseIOReg(out)
		}
		regErr = err
	}
	d := darwinDevice(info, reg, env.Extra)
	if regErr != nil && d.USB {
		d.Why += "; no USB ids: " + regErr.Error()
	}
	return d, nil
}

// block unmounts the volume and mounts it again read-only. Santa does the
// same rather than an MNT_UPDATE remount, because "filesystems often don't
// support many transitions (e.g. RW to RO)" (google/santa,
// SNTEndpointSecurityDeviceManager.mm); mount(2) says most will not allow
// it. A volume in use refuses the unmount (a process dissents) and stays
// mounted read-write: the error wraps ErrBusy. If the read-only mount
// fails the volume stays unmounted, which takes no writes either.
func block(ctx context.Context, env Env, d Device, m Mount) (string, error) {
	const how = "diskutil remount readOnly"
	if m.ReadOnly {
		return "already read-only", nil
	}
	node := d.Node
	if node == "" {
		name, ok := bsdName(m.Source)
		if !ok {
			return "", fmt.Errorf("%s is not a disk: %w", m.Source, errors.ErrUnsupported)
		}
		node = "/dev/" + name
	}
	if out, err := env.Run(ctx, "diskutil", "unmount", node); err != nil {
		// A dissenter can also keep diskutil waiting past the command's
		// deadline (Spotlight indexing the volume has been seen to take
		// minutes): that is busy too.
		if unmountBusy(err.Error()+"\n"+string(out)) || errors.Is(err, context.DeadlineExceeded) {
			return how, fmt.Errorf("%w: %w", ErrBusy, err)
		}
		return how, err
	}
	if _, err := env.Run(ctx, "diskutil", "mount", "readOnly", node); err != nil {
		return how, fmt.Errorf("mounting read-only again (the volume stays unmounted): %w", err)
	}
	return how, nil
}

const machinePolicy = false

func enforce(context.Context, Env) error { return nil }
func release(context.Context, Env) error { return nil }
