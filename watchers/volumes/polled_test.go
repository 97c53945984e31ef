package volumes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// golden compares got, as indented JSON, with testdata/polled/name; -update
// rewrites it.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "\t")
	require.NoError(t, err)
	b = append(b, '\n')
	p := filepath.Join("testdata", "polled", name)
	if *update {
		require.NoError(t, os.WriteFile(p, b, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run with -update to create")
	assert.Equal(t, string(want), string(b))
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "polled", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

func TestFsstatMountsGolden(t *testing.T) {
	t.Parallel()
	var recs []fsstatRecord
	readJSON(t, "darwin.fsstat.json", &recs)
	ms, err := fsstatMounts(recs)
	require.NoError(t, err)
	golden(t, "darwin.golden.json", ms)
}

func TestFsstatMounts(t *testing.T) {
	t.Parallel()
	ms, err := fsstatMounts([]fsstatRecord{
		{Point: "/Volumes/STICK", Source: "/dev/disk4s1", FSType: "msdos", Flags: 0x00001018},
		{Point: "/Volumes/CARD", Source: "/dev/disk6s1", FSType: "exfat", Flags: 0x00001019},
		{Point: "/Volumes/X", Source: "/dev/disk7s1", FSType: "hfs", Flags: 0x00200000},
	})
	require.NoError(t, err)
	assert.Equal(t, []Mount{
		{Root: "/", Point: "/Volumes/STICK", Source: "/dev/disk4s1", FSType: "msdos",
			Options: []string{"rw", "nosuid", "nodev", "local"}},
		{Root: "/", Point: "/Volumes/CARD", Source: "/dev/disk6s1", FSType: "exfat", ReadOnly: true,
			Options: []string{"ro", "nosuid", "nodev", "local"}},
		{Root: "/", Point: "/Volumes/X", Source: "/dev/disk7s1", FSType: "hfs",
			Options: []string{"rw", "noowners"}},
	}, ms)

	_, err = fsstatMounts(nil)
	require.ErrorIs(t, err, ErrMalformed, "no mount at all is a failed read")
}

func TestDriveMountsGolden(t *testing.T) {
	t.Parallel()
	var recs []driveRecord
	readJSON(t, "windows.drives.json", &recs)
	ms, err := driveMounts(recs)
	require.NoError(t, err)
	golden(t, "windows.golden.json", ms)
}

func TestDriveMounts(t *testing.T) {
	t.Parallel()
	vol := `\\?\Volume{6b1d3c52-7e8c-11ef-8c76-3d8e3a9f1e40}\`
	tests := []struct {
		name string
		rec  driveRecord
		want []Mount
	}{
		{"removable", driveRecord{`E:\`, driveRemovable, vol, "FAT32", 0x206}, []Mount{
			{Root: "/", Point: `E:\`, Source: vol, FSType: "FAT32", Options: []string{"rw", "removable"}}}},
		{"fixed, read-only", driveRecord{`F:\`, driveFixed, vol, "exFAT", 0x80206}, []Mount{
			{Root: "/", Point: `F:\`, Source: vol, FSType: "exFAT", ReadOnly: true, Options: []string{"ro", "fixed"}}}},
		{"ram disk", driveRecord{`R:\`, driveRAMDisk, vol, "NTFS", 0}, []Mount{
			{Root: "/", Point: `R:\`, Source: vol, FSType: "NTFS", Options: []string{"rw", "ramdisk"}}}},
		{"reader without a card", driveRecord{`D:\`, driveRemovable, vol, "", 0}, nil},
		{"no volume name (subst)", driveRecord{`S:\`, driveFixed, "", "NTFS", 0}, nil},
		{"network share", driveRecord{`Z:\`, driveRemote, vol, "NTFS", 0}, nil},
		{"optical", driveRecord{`X:\`, driveCDROM, vol, "UDF", 0}, nil},
		{"unknown", driveRecord{`Y:\`, driveUnknown, vol, "NTFS", 0}, nil},
		{"no root dir", driveRecord{`W:\`, driveNoRootDir, vol, "NTFS", 0}, nil},
	}
	system := driveRecord{`C:\`, driveFixed, `\\?\Volume{0b5c2f1e}\`, "NTFS", 0}
	sysMount := Mount{Root: "/", Point: `C:\`, Source: `\\?\Volume{0b5c2f1e}\`, FSType: "NTFS", Options: []string{"rw", "fixed"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, err := driveMounts([]driveRecord{system, tt.rec})
			require.NoError(t, err)
			assert.Equal(t, append([]Mount{sysMount}, tt.want...), ms)
		})
	}
	_, err := driveMounts([]driveRecord{{`D:\`, driveRemovable, "", "", 0}})
	require.ErrorIs(t, err, ErrMalformed, "a table without one ready drive is a failed read")
}

func TestProbeDrive(t *testing.T) {
	t.Parallel()
	for dt, want := range map[uint32]bool{
		driveUnknown: false, driveNoRootDir: false, driveRemovable: true, driveFixed: true,
		driveRemote: false, driveCDROM: false, driveRAMDisk: true, 7: false,
	} {
		assert.Equal(t, want, probeDrive(dt), "drive type %d", dt)
	}
}

// TestPolledTablesDiff feeds two successive modelled tables through the
// IDs and the diff, as the watcher does: a stick inserted at E: is one
// Mounted event, and nothing else moves.
func TestPolledTablesDiff(t *testing.T) {
	t.Parallel()
	var recs []driveRecord
	readJSON(t, "windows.drives.json", &recs)
	ids := newMountIDs()
	before, err := driveMounts(append([]driveRecord{}, recs[:2]...))
	require.NoError(t, err)
	before = ids.assign(before)
	after, err := driveMounts(recs)
	require.NoError(t, err)
	after = ids.assign(after)
	evs := diff(before, after)
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Op.String()+" "+ev.Mount.Point)
	}
	assert.Equal(t, []string{`mounted E:\`, `mounted F:\`, `mounted G:\`, `mounted S:\`}, got)
}
