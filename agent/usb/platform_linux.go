package usb

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func describe(_ context.Context, env Env, m Mount) (Device, error) {
	if m.Major == 0 {
		// Anonymous devices (tmpfs, proc, FUSE, overlay) have major 0 and
		// no block device behind them.
		return Device{Name: m.Source, Why: "not a block device"}, nil
	}
	return Identify(env.SysRoot, m.Major, m.Minor, env.Extra)
}

func (env Env) dev(name string) string {
	root := env.SysRoot
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, "dev", name)
}

// block sets the block layer's flag on the disk and every partition first,
// so that no new read-write mount of any of them can happen, then remounts
// m. Kernels before about 5.12 keep one flag per partition and do not
// propagate the disk's (notes §2.1), hence each is set.
func block(_ context.Context, env Env, d Device, m Mount) (string, error) {
	var errs []error
	for _, n := range append([]string{d.Disk}, d.Partitions...) {
		if n == "" {
			continue
		}
		if err := SetReadOnly(env.dev(n)); err != nil {
			errs = append(errs, err)
		}
	}
	how := "blkro"
	if !m.ReadOnly {
		how = "blkro+remount"
		if err := RemountReadOnly(m.Point); err != nil {
			if errors.Is(err, unix.EBUSY) {
				err = fmt.Errorf("%w: %w", ErrBusy, err)
			}
			errs = append(errs, err)
		}
	}
	return how, errors.Join(errs...)
}

const machinePolicy = false

func enforce(context.Context, Env) error { return nil }
func release(context.Context, Env) error { return nil }
