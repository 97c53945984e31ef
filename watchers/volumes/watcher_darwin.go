package volumes

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// run polls getfsstat(2): macOS reports mount changes only through
// DiskArbitration (a framework that needs cgo and a run loop) or Endpoint
// Security (an entitlement), so the table is read every pollInterval.
func (w *Watcher) run() error {
	var buf []unix.Statfs_t
	return w.poll(w.kicker(), func() ([]Mount, error) {
		var recs []fsstatRecord
		var err error
		buf, recs, err = readFsstat(buf)
		if err != nil {
			return nil, err
		}
		return fsstatMounts(recs)
	})
}

// readFsstat reads the mount table into buf, growing it while the table
// fills it (a mount may appear between the count and the read). MNT_NOWAIT
// takes the kernel's cached statistics instead of asking every file
// system, which could hang on an unreachable network share.
func readFsstat(buf []unix.Statfs_t) ([]unix.Statfs_t, []fsstatRecord, error) {
	for {
		if len(buf) == 0 {
			n, err := unix.Getfsstat(nil, unix.MNT_NOWAIT)
			if err != nil {
				return buf, nil, fmt.Errorf("reading mount table: %w", os.NewSyscallError("getfsstat", err))
			}
			buf = make([]unix.Statfs_t, n+8)
		}
		n, err := unix.Getfsstat(buf, unix.MNT_NOWAIT)
		if err != nil {
			return buf, nil, fmt.Errorf("reading mount table: %w", os.NewSyscallError("getfsstat", err))
		}
		if n >= len(buf) {
			buf = make([]unix.Statfs_t, 2*len(buf))
			continue
		}
		recs := make([]fsstatRecord, n)
		for i, s := range buf[:n] {
			recs[i] = fsstatRecord{
				Point:  unix.ByteSliceToString(s.Mntonname[:]),
				Source: unix.ByteSliceToString(s.Mntfromname[:]),
				FSType: unix.ByteSliceToString(s.Fstypename[:]),
				Flags:  s.Flags,
			}
		}
		return buf, recs, nil
	}
}
