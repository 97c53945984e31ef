package volumes

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// run polls the drive letters. Windows announces volume arrival with
// WM_DEVICECHANGE to a window or SERVICE_CONTROL_DEVICEEVENT to a service
// handler that accepts it, and the service wrapper accepts only stop and
// shutdown (notes §1.3), so the letters are read every pollInterval.
func (w *Watcher) run() error {
	return w.poll(w.kicker(), func() ([]Mount, error) {
		recs, err := readDrives()
		if err != nil {
			return nil, err
		}
		return driveMounts(recs)
	})
}

// readDrives asks about every drive letter. Drives probeDrive passes over
// are not touched beyond GetDriveTypeW. A removable drive without a medium
// fails GetVolumeInformationW with ERROR_NOT_READY; the Go runtime sets
// SEM_FAILCRITICALERRORS at start (runtime/signal_windows.go), so no
// "insert a disk" box is raised for it.
func readDrives() ([]driveRecord, error) {
	n, err := windows.GetLogicalDriveStrings(0, nil)
	if err != nil {
		return nil, fmt.Errorf("reading drive letters: %w", err)
	}
	buf := make([]uint16, n+1)
	n, err = windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0])
	if err != nil {
		return nil, fmt.Errorf("reading drive letters: %w", err)
	}
	if int(n) > len(buf) {
		return nil, fmt.Errorf("reading drive letters: a drive appeared while they were read")
	}
	var recs []driveRecord
	for _, root := range splitMultiSZ(buf[:n]) {
		r := driveRecord{Root: windows.UTF16ToString(root)}
		root := append(root, 0)
		r.Type = windows.GetDriveType(&root[0])
		if probeDrive(r.Type) {
			var vol [windows.MAX_PATH + 1]uint16
			if windows.GetVolumeNameForVolumeMountPoint(&root[0], &vol[0], uint32(len(vol))) == nil {
				r.Volume = windows.UTF16ToString(vol[:])
			}
			var fs [windows.MAX_PATH + 1]uint16
			if windows.GetVolumeInformation(&root[0], nil, 0, nil, nil, &r.Flags, &fs[0], uint32(len(fs))) == nil {
				r.FSType = windows.UTF16ToString(fs[:])
			}
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// splitMultiSZ splits a list of NUL-terminated strings ending in an empty
// one.
func splitMultiSZ(b []uint16) [][]uint16 {
	var out [][]uint16
	start := 0
	for i, c := range b {
		if c == 0 {
			if i > start {
				out = append(out, append([]uint16(nil), b[start:i]...))
			}
			start = i + 1
		}
	}
	return out
}
