package usb

import (
	"bufio"
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildTree builds testdata/<name>.tree (written by testdata/gen.go) into a
// temporary root as real folders, files and relative symlinks. The trees are
// text because sysfs names hold ':', which a Windows checkout cannot.
func buildTree(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".tree"))
	require.NoError(t, err)
	root := t.TempDir()
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		q1, err := strconv.QuotedPrefix(rest)
		require.NoError(t, err, "line %d", n)
		q2, err := strconv.QuotedPrefix(strings.TrimPrefix(rest[len(q1):], " "))
		require.NoError(t, err, "line %d", n)
		p, _ := strconv.Unquote(q1)
		v, _ := strconv.Unquote(q2)
		require.False(t, path.IsAbs(p) || slices.Contains(strings.Split(p, "/"), ".."), "line %d: path outside the tree", n)
		dst := filepath.Join(root, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		switch kind {
		case "f":
			require.NoError(t, os.WriteFile(dst, []byte(v), 0o644))
		case "l":
			if err := os.Symlink(v, dst); err != nil {
				t.Skipf("cannot create symlinks here (Windows without the privilege?): %v", err)
			}
		default:
			t.Fatalf("line %d: unknown kind %q", n, kind)
		}
	}
	require.NoError(t, sc.Err())
	return root
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tree         string
		major, minor uint32
		extra        []string
		want         Device
	}{
		{"usb-stick", 8, 17, nil, Device{Name: "sdb1", Disk: "sdb", Partitions: []string{"sdb1"}, Major: 8, Minor: 17,
			USB: true, Vendor: "0781", Product: "5583", Serial: "4C530001230815117254", Removable: true, Why: "usb ancestor 1-1:1.0"}},
		{"usb-stick", 8, 16, nil, Device{Name: "sdb", Disk: "sdb", Partitions: []string{"sdb1"}, Major: 8, Minor: 16,
			USB: true, Vendor: "0781", Product: "5583", Serial: "4C530001230815117254", Removable: true, Why: "usb ancestor 1-1:1.0"}},
		// removable=0 and udev may say ID_BUS=ata, but the bridge is USB.
		{"usb-sata-uas", 8, 34, nil, Device{Name: "sdc2", Disk: "sdc", Partitions: []string{"sdc1", "sdc2"}, Major: 8, Minor: 34,
			USB: true, Vendor: "152D", Product: "0578", Serial: "0123456789ABCDEF", Why: "usb ancestor 2-2:1.0"}},
		{"sd-reader", 179, 1, nil, Device{Name: "mmcblk0p1", Disk: "mmcblk0", Partitions: []string{"mmcblk0p1"}, Major: 179, Minor: 1,
			Why: "no usb ancestor"}},
		{"sd-reader", 179, 1, []string{"loop*", "mmcblk*"}, Device{Name: "mmcblk0p1", Disk: "mmcblk0", Partitions: []string{"mmcblk0p1"}, Major: 179, Minor: 1,
			USB: true, Why: "extra_devices match mmcblk*"}},
		{"sd-reader", 179, 0, []string{"mmcblk0"}, Device{Name: "mmcblk0", Disk: "mmcblk0", Partitions: []string{"mmcblk0p1"}, Major: 179, Minor: 0,
			USB: true, Why: "extra_devices match mmcblk0"}},
		{"nvme", 259, 2, []string{"mmcblk*"}, Device{Name: "nvme0n1p2", Disk: "nvme0n1", Partitions: []string{"nvme0n1p1", "nvme0n1p2"}, Major: 259, Minor: 2,
			Why: "no usb ancestor"}},
		{"sata-removable", 11, 0, nil, Device{Name: "sr0", Disk: "sr0", Major: 11, Minor: 0, Removable: true, Why: "no usb ancestor"}},
		{"virtio-vm", 254, 0, []string{"loop*"}, Device{Name: "vda", Disk: "vda", Major: 254, Minor: 0, Why: "no usb ancestor"}},
		// A partition matches through its disk's name too.
		{"virtio-vm", 259, 8, []string{"loop0"}, Device{Name: "loop0p1", Disk: "loop0", Partitions: []string{"loop0p1"}, Major: 259, Minor: 8,
			USB: true, Why: "extra_devices match loop0"}},
	}
	for _, tt := range tests {
		t.Run(tt.want.Name+"/"+strings.Join(tt.extra, ","), func(t *testing.T) {
			t.Parallel()
			root := buildTree(t, tt.tree)
			got, err := Identify(root, tt.major, tt.minor, tt.extra)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestIdentifyErrors(t *testing.T) {
	t.Parallel()
	root := buildTree(t, "usb-stick")

	_, err := Identify(root, 8, 99, nil)
	require.ErrorIs(t, err, ErrNotFound)

	_, err = Identify(root, 8, 17, []string{"sd[b"})
	require.ErrorIs(t, err, path.ErrBadPattern)

	// A link that leaves sys/devices is refused, not followed.
	require.NoError(t, os.Symlink("../../../../etc", filepath.Join(root, "sys", "dev", "block", "8:50")))
	_, err = Identify(root, 8, 50, nil)
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrNotFound))
}
