package usb

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAllowed(t *testing.T) {
	t.Parallel()
	stick := Device{Name: "sdb1", USB: true, Vendor: "0781", Product: "5583", Serial: "4C530001230815117254"}
	bridge := Device{Name: "sdc1", USB: true, Vendor: "152D", Product: "0578", Serial: "0123456789ABCDEF"}
	sdcard := Device{Name: "mmcblk0p1", USB: true, Why: "extra_devices match mmcblk*"}
	nvme := Device{Name: "nvme0n1p2"}
	tests := []struct {
		name  string
		d     Device
		allow []Rule
		want  bool
	}{
		{"not usb is always allowed", nvme, nil, true},
		{"usb without rules", stick, nil, false},
		{"vendor only", stick, []Rule{{Vendor: "0781"}}, true},
		{"hex case and 0x", bridge, []Rule{{Vendor: "0x152d", Product: "0578"}}, true},
		{"product mismatch", stick, []Rule{{Vendor: "0781", Product: "5581"}}, false},
		{"serial exact", stick, []Rule{{Vendor: "0781", Serial: "4C530001230815117254"}}, true},
		{"serial case matters", stick, []Rule{{Serial: "4c530001230815117254"}}, false},
		{"second rule", bridge, []Rule{{Vendor: "0781"}, {Vendor: "152d"}}, true},
		{"no IDs never match a vendor", sdcard, []Rule{{Vendor: "0781"}}, false},
		{"empty rule matches all", sdcard, []Rule{{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, Allowed(tt.d, tt.allow))
		})
	}
}

func TestProbeWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, ProbeWrite(dir))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, ents, "the probe file is removed")

	err = ProbeWrite(dir + "/missing")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestUnsupportedWrapsErrUnsupported(t *testing.T) {
	t.Parallel()
	// On Linux this reaches the kernel and fails on a missing device; the
	// other OSes must say ErrUnsupported.
	_, err := IsReadOnly("/nonexistent/dataward-usb-test")
	require.Error(t, err)
	if !isLinux {
		require.True(t, errors.Is(err, errors.ErrUnsupported))
	}
}
