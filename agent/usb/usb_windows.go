//go:build windows

package usb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"runtime"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

var errUnsupported = fmt.Errorf("usb blocking on %s: %w", runtime.GOOS, errors.ErrUnsupported)

// Windows keeps no per-device flag the Linux primitives could set; block
// uses the removable storage policy and the disk's read-only attribute.
func setReadOnly(string, bool) error  { return errUnsupported }
func isReadOnly(string) (bool, error) { return false, errUnsupported }
func remountReadOnly(string) error    { return errUnsupported }

// describe asks the storage stack about the drive (\\.\E:) for its bus
// type and disk number, then walks the device tree up from that disk to
// the USB device for its IDs. A failed walk leaves the Device without IDs
// (so no usb.allow rule naming a vendor matches it) rather than failing:
// the caller ignores a volume it cannot describe.
func describe(_ context.Context, env Env, m Mount) (Device, error) {
	for _, g := range env.Extra {
		if _, err := path.Match(g, ""); err != nil {
			return Device{}, fmt.Errorf("extra_devices pattern %q: %w", g, err)
		}
	}
	letter, ok := driveLetter(m.Point)
	if !ok {
		return Device{Name: m.Point, Why: "not a drive letter"}, nil
	}
	f := windowsFacts{Letter: letter, DiskNumber: -1}
	h, err := openDevice(`\\.\`+letter+":", 0)
	if err != nil {
		return Device{Name: letter + ":"}, err
	}
	defer windows.CloseHandle(h)
	f.Desc, err = queryDescriptor(h)
	if err != nil {
		return Device{Name: letter + ":"}, err
	}
	var walkErr error
	if f.DiskNumber, walkErr = deviceNumber(h); walkErr == nil {
		f.Chain, walkErr = diskChain(f.DiskNumber)
	}
	d := windowsDevice(f, env.Extra)
	if walkErr != nil && d.USB {
		d.Why += "; no USB ids: " + walkErr.Error()
	}
	return d, nil
}

// block makes the drive refuse writes, the way its drive type allows:
//
//   - a removable disk is covered by the Removable Disks: Deny write access
//     policy, which enforce keeps set. Microsoft documents that "if no
//     reboot is forced, the access right doesn't take effect until the
//     operating system is restarted" (ADMX_RemovableStorage,
//     AccessRights_RebootTime); restarting the disk's device node has every
//     handle opened again under it without a reboot (notes §2.2). A restart
//     Windows defers to the next boot, because something holds the disk
//     open, is ErrBusy.
//   - a fixed disk (USB hard disks and SSDs, which the policy does not
//     name) gets the read-only disk attribute (IOCTL_DISK_SET_DISK_ATTRIBUTES,
//     DISK_ATTRIBUTE_READ_ONLY, not persisted: the agent sets it again on
//     every mount, and nothing outlives the agent's uninstall), after the
//     volume is locked so that nothing has a file open on it
//     (FSCTL_LOCK_VOLUME fails otherwise: ErrBusy), and before it is
//     dismounted (FSCTL_DISMOUNT_VOLUME), so that its file system mounts
//     again on a write-protected disk, read-only.
//
// A volume that already refuses a test write is left alone: a restart or
// dismount would show the watcher a new mount, and block would restart it
// again.
func block(ctx context.Context, env Env, d Device, m Mount) (string, error) {
	if m.ReadOnly {
		return "already read-only", nil
	}
	letter, ok := driveLetter(m.Point)
	if !ok {
		return "", fmt.Errorf("%s is not a drive letter: %w", m.Point, errors.ErrUnsupported)
	}
	root, err := windows.UTF16PtrFromString(letter + `:\`)
	if err != nil {
		return "", err
	}
	method, err := windowsMethod(windows.GetDriveType(root))
	if err != nil {
		return "", err
	}
	if method == winPolicy {
		if err := enforce(ctx, env); err != nil {
			return method.how(), err
		}
	}
	if Refused(ProbeWrite(m.Point)) {
		if method == winPolicy {
			return "policy Deny_Write", nil
		}
		return "already refuses writes", nil
	}
	switch method {
	case winPolicy:
		return method.how(), restartDisk(ctx, env, letter)
	default:
		return method.how(), readOnlyDisk(letter)
	}
}

// restartDisk restarts the device node of the disk holding the drive.
func restartDisk(ctx context.Context, env Env, letter string) error {
	h, err := openDevice(`\\.\`+letter+":", 0)
	if err != nil {
		return err
	}
	n, err := deviceNumber(h)
	windows.CloseHandle(h)
	if err != nil {
		return err
	}
	id, _, err := diskNode(n)
	if err != nil {
		return err
	}
	_, err = env.Run(ctx, "pnputil", "/restart-device", id)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if perr := pnputilRestart(exit.ExitCode()); perr != nil {
			return fmt.Errorf("restarting %s: %w", id, errors.Join(perr, err))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("restarting %s: %w", id, err)
	}
	return nil
}

// readOnlyDisk locks the drive's volume, sets its disk read-only and
// dismounts the volume.
func readOnlyDisk(letter string) error {
	vol, err := openDevice(`\\.\`+letter+":", windows.GENERIC_READ|windows.GENERIC_WRITE)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(vol) // also unlocks
	var n uint32
	if err := windows.DeviceIoControl(vol, fsctlLockVolume, nil, 0, nil, 0, &n, nil); err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			return fmt.Errorf("%w: locking %s: %w", ErrBusy, letter+":", err)
		}
		return fmt.Errorf("locking %s: %w", letter+":", err)
	}
	num, err := deviceNumber(vol)
	if err != nil {
		return err
	}
	disk, err := openDevice(`\\.\`+diskName(num), windows.GENERIC_READ|windows.GENERIC_WRITE)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(disk)
	// SET_DISK_ATTRIBUTES{Version, Persist, Reserved1[3], Attributes,
	// AttributesMask, Reserved2[4]}: 40 bytes. The page asks for
	// sizeof(GET_DISK_ATTRIBUTES) in Version; every caller in the wild
	// passes the size of the structure itself, as here.
	var attrs [40]byte
	binary.LittleEndian.PutUint32(attrs[0:], uint32(len(attrs)))
	attrs[4] = 0 // Persist: FALSE
	const diskAttributeReadOnly = 0x2
	binary.LittleEndian.PutUint64(attrs[8:], diskAttributeReadOnly)
	binary.LittleEndian.PutUint64(attrs[16:], diskAttributeReadOnly)
	if err := windows.DeviceIoControl(disk, ioctlDiskSetDiskAttributes, &attrs[0], uint32(len(attrs)), nil, 0, &n, nil); err != nil {
		return fmt.Errorf("IOCTL_DISK_SET_DISK_ATTRIBUTES on %s: %w", diskName(num), err)
	}
	if err := windows.DeviceIoControl(vol, fsctlDismountVolume, nil, 0, nil, 0, &n, nil); err != nil {
		return fmt.Errorf("dismounting %s: %w", letter+":", err)
	}
	return nil
}

// machinePolicy: enforce sets the Removable Disks policy value.
const machinePolicy = true

// policyAccess opens the policy key in the 64-bit view whatever the
// build.
const policyAccess = registry.QUERY_VALUE | registry.SET_VALUE | registry.WOW64_64KEY

// enforce sets Deny_Write=1 in the Removable Disks policy key, creating it
// if need be; it writes only when the value is not already 1, so that the
// reconcile loop does not touch the registry every time.
func enforce(context.Context, Env) error {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, policyKey, policyAccess)
	if err != nil {
		return fmt.Errorf(`opening HKLM\%s: %w`, policyKey, err)
	}
	defer k.Close()
	if v, typ, err := k.GetIntegerValue(policyValue); err == nil && typ == registry.DWORD && v == 1 {
		return nil
	}
	if err := k.SetDWordValue(policyValue, 1); err != nil {
		return fmt.Errorf(`setting HKLM\%s\%s: %w`, policyKey, policyValue, err)
	}
	return nil
}

// release deletes Deny_Write, then the policy key and its parent if they
// are left empty. An empty key sets no policy, so deleting one that was
// there before the agent changes nothing.
func release(context.Context, Env) error {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, policyKey, policyAccess)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf(`opening HKLM\%s: %w`, policyKey, err)
	}
	err = k.DeleteValue(policyValue)
	k.Close()
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf(`deleting HKLM\%s\%s: %w`, policyKey, policyValue, err)
	}
	for _, p := range []string{policyKey, policyParent} {
		if !emptyKey(p) {
			break
		}
		if err := registry.DeleteKey(registry.LOCAL_MACHINE, p); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf(`deleting HKLM\%s: %w`, p, err)
		}
	}
	return nil
}

// emptyKey reports whether the key has neither values nor subkeys.
func emptyKey(p string) bool {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, p, registry.QUERY_VALUE|registry.WOW64_64KEY)
	if err != nil {
		return false
	}
	defer k.Close()
	st, err := k.Stat()
	return err == nil && st.ValueCount == 0 && st.SubKeyCount == 0
}
