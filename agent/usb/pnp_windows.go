package usb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// IOCTL and FSCTL codes (winioctl.h), and the interface class of disks.
const (
	ioctlStorageQueryProperty   = 0x002D1400 // IOCTL_STORAGE_QUERY_PROPERTY
	ioctlStorageGetDeviceNumber = 0x002D1080 // IOCTL_STORAGE_GET_DEVICE_NUMBER
	ioctlDiskSetDiskAttributes  = 0x0007C0F4 // IOCTL_DISK_SET_DISK_ATTRIBUTES
	fsctlLockVolume             = 0x00090018 // FSCTL_LOCK_VOLUME
	fsctlDismountVolume         = 0x00090020 // FSCTL_DISMOUNT_VOLUME

	fileDeviceDisk = 7 // FILE_DEVICE_DISK, STORAGE_DEVICE_NUMBER.DeviceType of a disk

	maxDeviceIDLen = 200 // MAX_DEVICE_ID_LEN (cfgmgr32.h)
	maxChain       = 32  // device tree levels walked above a disk
)

// guidDevinterfaceDisk is GUID_DEVINTERFACE_DISK
// {53F56307-B6BF-11D0-94F2-00A0C91EFB8B}.
var guidDevinterfaceDisk = windows.GUID{Data1: 0x53f56307, Data2: 0xb6bf, Data3: 0x11d0,
	Data4: [8]byte{0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b}}

// golang.org/x/sys/windows has no CM_Get_Parent or CM_Get_Device_ID;
// cfgmgr32.dll has had both since Windows 2000.
var (
	modcfgmgr32        = windows.NewLazySystemDLL("cfgmgr32.dll")
	procCMGetParent    = modcfgmgr32.NewProc("CM_Get_Parent")
	procCMGetDeviceIDW = modcfgmgr32.NewProc("CM_Get_Device_IDW")
)

// openDevice opens a device path for IOCTLs. Access 0 is enough for the
// FILE_ANY_ACCESS queries and does not count as a reader or writer of the
// volume.
func openDevice(p string, access uint32) (windows.Handle, error) {
	p16, err := windows.UTF16PtrFromString(p)
	if err != nil {
		return windows.InvalidHandle, err
	}
	h, err := windows.CreateFile(p16, access, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE,
		nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return windows.InvalidHandle, fmt.Errorf("opening %s: %w", p, err)
	}
	return h, nil
}

// queryDescriptor asks the storage stack for the device descriptor of the
// disk below h.
func queryDescriptor(h windows.Handle) (storageDescriptor, error) {
	// STORAGE_PROPERTY_QUERY{PropertyId: StorageDeviceProperty (0),
	// QueryType: PropertyStandardQuery (0), AdditionalParameters[1]}.
	var query [12]byte
	buf := make([]byte, 1024)
	for {
		var n uint32
		err := windows.DeviceIoControl(h, ioctlStorageQueryProperty, &query[0], uint32(len(query)),
			&buf[0], uint32(len(buf)), &n, nil)
		if err != nil {
			return storageDescriptor{}, fmt.Errorf("IOCTL_STORAGE_QUERY_PROPERTY: %w", err)
		}
		// The descriptor's Size says how much it needs; ask again if the
		// strings did not fit.
		if n >= 8 {
			if size := binary.LittleEndian.Uint32(buf[4:]); int(size) > len(buf) && size <= 64<<10 {
				buf = make([]byte, size)
				continue
			}
		}
		return parseStorageDescriptor(buf[:n])
	}
}

// deviceNumber returns the disk number of the disk below h (its
// \\.\PhysicalDriveN), failing for a volume that spans disks.
func deviceNumber(h windows.Handle) (int, error) {
	var num [12]byte // STORAGE_DEVICE_NUMBER{DeviceType, DeviceNumber, PartitionNumber}
	var n uint32
	if err := windows.DeviceIoControl(h, ioctlStorageGetDeviceNumber, nil, 0, &num[0], uint32(len(num)), &n, nil); err != nil {
		return -1, fmt.Errorf("IOCTL_STORAGE_GET_DEVICE_NUMBER: %w", err)
	}
	if n < 8 || binary.LittleEndian.Uint32(num[0:]) != fileDeviceDisk {
		return -1, fmt.Errorf("IOCTL_STORAGE_GET_DEVICE_NUMBER: not a disk")
	}
	return int(binary.LittleEndian.Uint32(num[4:])), nil
}

// diskNode finds the device node of disk number n among the present disks
// and returns its device instance ID and devnode.
func diskNode(n int) (string, windows.DEVINST, error) {
	set, err := windows.SetupDiGetClassDevsEx(&guidDevinterfaceDisk, "", 0,
		windows.DIGCF_PRESENT|windows.DIGCF_DEVICEINTERFACE, 0, "")
	if err != nil {
		return "", 0, fmt.Errorf("listing disks: %w", err)
	}
	defer set.Close()
	for i := 0; ; i++ {
		data, err := set.EnumDeviceInfo(i)
		if errors.Is(err, windows.ERROR_NO_MORE_ITEMS) {
			return "", 0, fmt.Errorf("disk %d is not among the present disks", n)
		}
		if err != nil {
			return "", 0, fmt.Errorf("listing disks: %w", err)
		}
		id, err := set.DeviceInstanceID(data)
		if err != nil {
			continue
		}
		paths, err := windows.CM_Get_Device_Interface_List(id, &guidDevinterfaceDisk, windows.CM_GET_DEVICE_INTERFACE_LIST_PRESENT)
		if err != nil {
			continue
		}
		for _, p := range paths {
			h, err := openDevice(p, 0)
			if err != nil {
				continue
			}
			num, err := deviceNumber(h)
			windows.CloseHandle(h)
			if err == nil && num == n {
				return id, data.DevInst, nil
			}
		}
	}
}

// ancestors returns the device instance IDs above devnode d, nearest first.
func ancestors(d windows.DEVINST) ([]string, error) {
	for _, p := range []*windows.LazyProc{procCMGetParent, procCMGetDeviceIDW} {
		if err := p.Find(); err != nil {
			return nil, err
		}
	}
	var ids []string
	for range maxChain {
		var parent windows.DEVINST
		r, _, _ := procCMGetParent.Call(uintptr(unsafe.Pointer(&parent)), uintptr(d), 0)
		if ret := windows.CONFIGRET(r); ret == windows.CR_NO_SUCH_DEVNODE {
			return ids, nil
		} else if ret != windows.CR_SUCCESS {
			return ids, fmt.Errorf("CM_Get_Parent: %w", ret)
		}
		var buf [maxDeviceIDLen + 1]uint16
		r, _, _ = procCMGetDeviceIDW.Call(uintptr(parent), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0)
		if ret := windows.CONFIGRET(r); ret != windows.CR_SUCCESS {
			return ids, fmt.Errorf("CM_Get_Device_ID: %w", ret)
		}
		ids = append(ids, windows.UTF16ToString(buf[:]))
		d = parent
	}
	return ids, nil
}

// diskChain returns disk n's device instance ID followed by its
// ancestors'.
func diskChain(n int) ([]string, error) {
	id, dev, err := diskNode(n)
	if err != nil {
		return nil, err
	}
	up, err := ancestors(dev)
	return append([]string{id}, up...), err
}
