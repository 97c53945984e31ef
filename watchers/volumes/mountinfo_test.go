package volumes

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestParseMountinfoGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.mountinfo")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(in)
			require.NoError(t, err)
			defer f.Close()
			ms, err := ParseMountinfo(f)
			require.NoError(t, err)
			got, err := json.MarshalIndent(ms, "", "\t")
			require.NoError(t, err)
			got = append(got, '\n')
			golden := strings.TrimSuffix(in, ".mountinfo") + ".golden.json"
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create")
			assert.Equal(t, string(want), string(got))
		})
	}
}

func TestParseMountinfoEscapes(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/desktop_usb.mountinfo")
	require.NoError(t, err)
	defer f.Close()
	ms, err := ParseMountinfo(f)
	require.NoError(t, err)
	byPoint := map[string]Mount{}
	for _, m := range ms {
		byPoint[m.Point] = m
	}
	stick, ok := byPoint["/media/user/STICK DATA"]
	require.True(t, ok, "\\040 decodes to a space")
	assert.Equal(t, Mount{
		ID: 812, Major: 8, Minor: 17, Root: "/", Point: "/media/user/STICK DATA",
		FSType: "vfat", Source: "/dev/sdb1",
		Options: []string{"rw", "nosuid", "nodev", "relatime"},
		SuperOptions: []string{"rw", "uid=1000", "gid=1000", "fmask=0022", "dmask=0022",
			"codepage=437", "iocharset=iso8859-1", "shortname=mixed", "showexec", "utf8",
			"flush", "errors=remount-ro"},
	}, stick)
	_, ok = byPoint["/media/user/Backup\tTab\\Disk"]
	assert.True(t, ok, "\\011 and \\134 decode to tab and backslash")
}

func TestParseMountinfoReadOnly(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/remount_ro.mountinfo")
	require.NoError(t, err)
	defer f.Close()
	ms, err := ParseMountinfo(f)
	require.NoError(t, err)
	ro := map[int]bool{}
	for _, m := range ms {
		ro[m.ID] = m.ReadOnly
	}
	assert.Equal(t, map[int]bool{
		29:  false,
		812: true, // both sides ro
		830: true, // bind: mount point rw, superblock ro
		850: true, // mount point ro, superblock rw
	}, ro)
}

func TestParseMountinfoMalformed(t *testing.T) {
	t.Parallel()
	good := "29 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
	for _, tc := range []struct {
		name, line string
	}{
		{"no separator", "30 29 8:1 / /mnt rw ext4 /dev/sda1 rw"},
		{"too few fields", "30 29 8:1 / - ext4 /dev/sda1 rw"},
		{"missing super options", "30 29 8:1 / /mnt rw - ext4 /dev/sda1"},
		{"extra field after separator", "30 29 8:1 / /mnt rw - ext4 /dev/sda1 rw x"},
		{"bad id", "x 29 8:1 / /mnt rw - ext4 /dev/sda1 rw"},
		{"negative id", "-3 29 8:1 / /mnt rw - ext4 /dev/sda1 rw"},
		{"bad parent", "30 y 8:1 / /mnt rw - ext4 /dev/sda1 rw"},
		{"no colon", "30 29 81 / /mnt rw - ext4 /dev/sda1 rw"},
		{"major too big", "30 29 4294967296:1 / /mnt rw - ext4 /dev/sda1 rw"},
		{"short escape", `30 29 8:1 / /mnt\04 rw - ext4 /dev/sda1 rw`},
		{"bad escape", `30 29 8:1 / /mnt\09x rw - ext4 /dev/sda1 rw`},
		{"double space", "30 29 8:1 /  /mnt rw - ext4 /dev/sda1 rw"},
		{"escape over a byte", `30 29 8:1 / /mnt\777 rw - ext4 /dev/sda1 rw`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMountinfo(strings.NewReader(good + tc.line + "\n"))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrMalformed), "%v", err)
			assert.Contains(t, err.Error(), "line 2")
		})
	}
}

func TestParseMountinfoUnicodeSpace(t *testing.T) {
	t.Parallel()
	// A label with a no-break space is not escaped by the kernel.
	ms, err := ParseMountinfo(strings.NewReader("30 29 8:1 / /media/u/MY\u00a0STICK rw - vfat /dev/sdb1 rw\n"))
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "/media/u/MY\u00a0STICK", ms[0].Point)
}

func TestParseMountinfoLongLine(t *testing.T) {
	t.Parallel()
	long := "30 29 8:1 / /" + strings.Repeat("a", maxLine) + " rw - ext4 /dev/sda1 rw\n"
	_, err := ParseMountinfo(strings.NewReader("\n" + long))
	require.ErrorIs(t, err, ErrMalformed)
	assert.Contains(t, err.Error(), "line 2")
}

func TestParseMountinfoEmpty(t *testing.T) {
	t.Parallel()
	ms, err := ParseMountinfo(strings.NewReader(""))
	require.NoError(t, err)
	assert.Empty(t, ms)
}

func FuzzParseMountinfo(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.mountinfo")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseMountinfo(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.ID < 0 || len(m.Options) == 0 || len(m.SuperOptions) == 0 {
				t.Fatalf("accepted a bad mount: %+v", m)
			}
		}
	})
}
