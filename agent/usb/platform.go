package usb

import (
	"context"
	"errors"
	"fmt"
)

// Each OS file defines the platform half of the package:
//
//	// describe tells which device holds m and whether it is USB storage,
//	// with the IDs usb.allow matches on.
//	func describe(ctx context.Context, env Env, m Mount) (Device, error)
//
//	// block makes m's device and m itself refuse writes and returns how,
//	// e.g. "blkro+remount". It returns an error wrapping ErrBusy when the
//	// volume is in use and ErrUnsupported-wrapping errors where the OS or
//	// the filesystem gives no way.
//	func block(ctx context.Context, env Env, d Device, m Mount) (string, error)
//
//	// enforce keeps machine-wide settings in force (Windows: the
//	// Removable Disks: Deny write access policy value); release removes
//	// what enforce set, for uninstall. Both are no-ops where the OS needs
//	// nothing machine-wide.
//	func enforce(ctx context.Context, env Env) error
//	func release(ctx context.Context, env Env) error
//
//	// machinePolicy says whether enforce sets anything machine-wide.
//	const machinePolicy bool
//
//	// writeProtected reports whether err is the OS's own "write
//	// protected" error besides EROFS and EACCES (refused_*.go).
//	func writeProtected(err error) bool
//
// usb_other.go defines them as returning errors wrapping
// errors.ErrUnsupported.

// Mount is the part of a mount-table entry the platform code needs.
type Mount struct {
	Point  string // where it is mounted: /media/ann/STICK, /Volumes/STICK, E:\
	Source string // the device as the table names it: /dev/sdb1, /dev/disk4s1, \\?\Volume{...}\
	FSType string // vfat, exfat, msdos, NTFS ...
	// Major and Minor are the st_dev of the mount's files on Linux, which
	// join it to /sys/dev/block; zero elsewhere.
	Major, Minor uint32
	ReadOnly     bool // writes already fail at the mount
}

// Env is how the platform code reaches the system; tests point it at
// fixtures.
type Env struct {
	// SysRoot prefixes /sys and /dev on Linux; "/" when empty.
	SysRoot string
	// Run runs an allowed external command (command.Run) and returns its
	// standard output.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
	// Extra are usb.extra_devices: device-name globs that count as USB
	// storage too.
	Extra []string
}

// ErrBusy is wrapped by Block's error when the volume cannot be made
// read-only because files on it are open for writing.
var ErrBusy = errors.New("volume busy")

// Describe tells which device holds the mount m and whether it is USB
// mass storage (or matches usb.extra_devices).
func Describe(ctx context.Context, env Env, m Mount) (Device, error) {
	d, err := describe(ctx, env, m)
	if err != nil {
		return d, fmt.Errorf("describing the device of %s: %w", m.Point, err)
	}
	return d, nil
}

// Block makes the device d and the mount m refuse writes, and returns how
// it did so. The caller verifies the result with ProbeWrite: a method that
// reported success is not proof.
func Block(ctx context.Context, env Env, d Device, m Mount) (string, error) {
	how, err := block(ctx, env, d, m)
	if err != nil {
		return how, fmt.Errorf("making %s read-only: %w", m.Point, err)
	}
	return how, nil
}

// Enforce sets or re-sets the machine-wide settings that keep USB storage
// read-only (Windows' Removable Disks: Deny write access policy); the agent
// calls it at start and on every reconcile.
func Enforce(ctx context.Context, env Env) error {
	if err := enforce(ctx, env); err != nil {
		return fmt.Errorf("enforcing the USB write policy: %w", err)
	}
	return nil
}

// MachinePolicy reports whether Enforce sets anything machine-wide that
// Release must give back at uninstall (Windows' policy value).
func MachinePolicy() bool { return machinePolicy }

// Release removes what Enforce set, for uninstall.
func Release(ctx context.Context, env Env) error {
	if err := release(ctx, env); err != nil {
		return fmt.Errorf("removing the USB write policy: %w", err)
	}
	return nil
}
