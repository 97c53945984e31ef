package fde

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// linuxWants are the volumes each recorded machine must give.
var linuxWants = map[string]map[string]want{
	"luks1":            {"/": {RoleSystem, Encrypted, "LUKS1"}},
	"luks2-btrfs-nvme": {"/": {RoleSystem, Encrypted, "LUKS2"}}, // /home is the same btrfs; the USB stick is not fixed
	"lvm-on-luks":      {"/": {RoleSystem, Encrypted, "LUKS2"}}, // snaps and the loop-mounted image are not volumes
	"raid-on-luks": {
		"/":         {RoleSystem, Encrypted, "LUKS2"},
		"/srv/data": {RoleData, NotEncrypted, ""},
	},
	"luks-on-raid": {
		"/":           {RoleSystem, Encrypted, "LUKS2"},
		"/srv/backup": {RoleData, NotEncrypted, ""},
	},
	"plain-dmcrypt": {
		"/":     {RoleSystem, Encrypted, "LUKS2"},
		"/data": {RoleData, Encrypted, "dm-crypt plain"},
	},
	"dm-verity": {
		"/":     {RoleSystem, NotEncrypted, ""},
		"/home": {RoleHome, Encrypted, "LUKS2"},
	},
	"zfs-encrypted": {
		"/":           {RoleSystem, Encrypted, "ZFS native"},
		"/home/alice": {RoleHome, Encrypted, "ZFS native"},
		"/tank":       {RoleData, NotEncrypted, ""},
	},
	"zfs-plain": {
		"/":     {RoleSystem, NotEncrypted, ""},
		"/home": {RoleHome, NotEncrypted, ""},
	},
	"fscrypt-home": {
		"/":           {RoleSystem, NotEncrypted, ""},
		"/home/alice": {RoleHome, Encrypted, "fscrypt (home only)"},
	},
	"ecryptfs-home": {
		"/":           {RoleSystem, NotEncrypted, ""},
		"/home/alice": {RoleHome, Encrypted, "eCryptfs (home only)"},
		"/home/bob":   {RoleHome, Encrypted, "eCryptfs (home only)"},
	},
	"unencrypted": {
		"/":                       {RoleSystem, NotEncrypted, ""},
		"/home":                   {RoleHome, NotEncrypted, ""},
		"/mnt/Photos and Letters": {RoleData, NotEncrypted, ""},
	},
	"nvme-home-luks": {
		"/":     {RoleSystem, NotEncrypted, ""},
		"/home": {RoleHome, Encrypted, "LUKS2"},
	},
	"virtio-vm": {"/": {RoleSystem, NotEncrypted, ""}},
	"overlay-root": {
		"/":                {RoleSystem, Unknown, ""},
		"/media/user/Data": {RoleData, NotEncrypted, ""},
	},
	"systemd-homed": {
		"/":           {RoleSystem, NotEncrypted, ""},
		"/home/alice": {RoleHome, Encrypted, "LUKS2"},
	},
	"btrfs-multidevice": {
		"/":     {RoleSystem, Encrypted, "LUKS2"},
		"/data": {RoleData, NotEncrypted, ""},
	},
}

func TestLinuxRecorded(t *testing.T) {
	t.Parallel()
	dirs, err := os.ReadDir(filepath.Join("testdata", "linux"))
	require.NoError(t, err)
	require.Len(t, dirs, len(linuxWants), "every recorded machine has an expectation")
	for _, d := range dirs {
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root, rec := buildRoot(t, name)
			c := New(Options{SysRoot: root, Run: fakeRun(rec.Commands, nil)})
			c.dirEncrypted = func(p string) (bool, error) {
				rel, ok := strings.CutPrefix(p, root)
				require.True(t, ok, "%s is read through the root", p)
				return slices.Contains(rec.EncryptedDirs, rel), nil
			}
			vols, err := c.Check(t.Context())
			require.NoError(t, err)
			w, ok := linuxWants[name]
			require.True(t, ok)
			requireVolumes(t, vols, w)
			golden(t, "linux/"+name, vols)
		})
	}
}

// TestLinuxReasons checks what a person is told in the cases where the
// state alone does not say it.
func TestLinuxReasons(t *testing.T) {
	t.Parallel()
	check := func(name string) map[string]Volume {
		root, rec := buildRoot(t, name)
		c := New(Options{SysRoot: root, Run: fakeRun(rec.Commands, nil)})
		c.dirEncrypted = func(p string) (bool, error) {
			return slices.Contains(rec.EncryptedDirs, strings.TrimPrefix(p, root)), nil
		}
		vols, err := c.Check(t.Context())
		require.NoError(t, err)
		m := map[string]Volume{}
		for _, v := range vols {
			m[v.Mount] = v
		}
		return m
	}
	v := check("raid-on-luks")["/srv/data"]
	require.Equal(t, "only partly encrypted: nothing encrypts sdd", v.Reason)
	require.Equal(t, fixLinuxData, v.Fix)
	require.Equal(t, "/dev/md1", v.Device)

	v = check("luks-on-raid")["/srv/backup"]
	require.Contains(t, v.Reason, "between the filesystem and sdc, sdd")

	v = check("dm-verity")["/"]
	require.Contains(t, v.Reason, "dm-verity checks integrity, it does not encrypt")

	vs := check("unencrypted")
	require.Equal(t, fixLinux, vs["/"].Fix)
	require.Equal(t, "/dev/sda2", vs["/"].Device)
	require.Equal(t, "/dev/sdb1", vs["/mnt/Photos and Letters"].Device)

	require.Equal(t, "/dev/mapper/vgubuntu-root", check("lvm-on-luks")["/"].Device)
	require.Equal(t, "/dev/mapper/luks-2b8f6a4e-6c1d-4f0a-9e3b-7d5c2a1f0e9d", check("luks2-btrfs-nvme")["/"].Device)
	require.Contains(t, check("systemd-homed")["/home/alice"].Reason, "encrypted container file")
	require.Contains(t, check("fscrypt-home")["/home/alice"].Reason, "only this home folder is encrypted")
	require.Contains(t, check("overlay-root")["/"].Reason, "filesystem of type overlay")
	require.Contains(t, check("btrfs-multidevice")["/data"].Reason, "nothing encrypts sdb")
	require.Equal(t, "rpool/USERDATA/alice_q1w2e3", check("zfs-encrypted")["/home/alice"].Device)
}

func TestLinuxZFSMissing(t *testing.T) {
	t.Parallel()
	root, _ := buildRoot(t, "zfs-plain")
	c := New(Options{SysRoot: root, Run: fakeRun(nil, map[string]error{"zfs": errors.New("zfs get: not installed")})})
	vols, err := c.Check(t.Context())
	require.NoError(t, err)
	require.Equal(t, Unknown, vols[0].State)
	require.Equal(t, "could not ask ZFS: zfs get: not installed", vols[0].Reason)
}

func TestLinuxNoMountTable(t *testing.T) {
	t.Parallel()
	_, err := New(Options{SysRoot: t.TempDir()}).Check(t.Context())
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.ErrorContains(t, err, "checking disk encryption: reading the mount table")
}

func TestLinuxDeviceMissingFromSysfs(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	mi := "27 1 254:7 / / rw,relatime - ext4 /dev/vdz rw\n"
	require.NoError(t, os.MkdirAll(filepath.Join(root, "proc", "self"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "proc", "self", "mountinfo"), []byte(mi), 0o644))
	vols, err := New(Options{SysRoot: root}).Check(t.Context())
	require.NoError(t, err)
	require.Len(t, vols, 1)
	require.Equal(t, Unknown, vols[0].State)
	require.Contains(t, vols[0].Reason, "device 254:7 of /")
}

func TestCryptMethod(t *testing.T) {
	t.Parallel()
	for uuid, method := range map[string]string{
		"CRYPT-LUKS2-2b8f6a4e6c1d4f0a9e3b7d5c2a1f0e9d-luks-x": "LUKS2",
		"CRYPT-LUKS1-5f3c0a7e9b2d4c1e8a6f0b3d2c1e4a5b-sda3":   "LUKS1",
		"CRYPT-PLAIN-data":                        "dm-crypt plain",
		"CRYPT-BITLK-0a1b-win":                    "BitLocker (dm-crypt)",
		"CRYPT-TCRYPT-vc":                         "TrueCrypt/VeraCrypt",
		"CRYPT-FVAULT2-mac":                       "FileVault 2 (dm-crypt)",
		"CRYPT-LOOPAES-old":                       "loop-AES",
		"CRYPT-VERITY-5f6a-root":                  "",
		"CRYPT-INTEGRITY-x":                       "",
		"CRYPT-TEMP-x":                            "",
		"CRYPT-SUBDEV-x":                          "",
		"LVM-Zq3dKx8wVb2mYt6nPr1sLc9fHj4gTe":      "",
		"mpath-3600508b400105e210000900000490000": "",
		"": "",
	} {
		got, ok := cryptMethod(uuid)
		require.Equal(t, method != "", ok, uuid)
		require.Equal(t, method, got, uuid)
	}
}

func TestRoleOf(t *testing.T) {
	t.Parallel()
	for point, role := range map[string]string{
		"/": RoleSystem, "/home": RoleHome, "/home/alice": RoleHome, "/homeless": RoleData,
		"/boot": "", "/boot/efi": "", "/efi": "", "/bootstrap": RoleData, "/srv/data": RoleData,
	} {
		require.Equal(t, role, roleOf(point), point)
	}
}

// buildRoot copies testdata/linux/<name> into a temporary folder and builds
// its sys.tree there as real folders, files and symlinks.
func buildRoot(t *testing.T, name string) (string, recordedFakes) {
	t.Helper()
	src := filepath.Join("testdata", "linux", name)
	root := t.TempDir()
	var rec recordedFakes
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch rel {
		case "sys.tree":
			return buildTree(root, data)
		case "recorded.json":
			return json.Unmarshal(data, &rec)
		}
		dst := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	require.NoError(t, err)
	return root, rec
}

// recordedFakes is testdata/linux/<name>/recorded.json.
type recordedFakes struct {
	Commands      map[string]string `json:"commands"`
	EncryptedDirs []string          `json:"encryptedDirs"`
}

// buildTree builds a tree written down by testdata/gen.go: lines
// `f "path" "content"` and `l "path" "target"`.
func buildTree(root string, manifest []byte) error {
	sc := bufio.NewScanner(strings.NewReader(string(manifest)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		q1, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return err
		}
		q2, err := strconv.QuotedPrefix(strings.TrimPrefix(rest[len(q1):], " "))
		if err != nil {
			return err
		}
		p, _ := strconv.Unquote(q1)
		v, _ := strconv.Unquote(q2)
		if strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") {
			return errors.New("sys.tree line " + strconv.Itoa(n) + ": path outside the tree")
		}
		dst := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		switch kind {
		case "f":
			err = os.WriteFile(dst, []byte(v), 0o644)
		case "l":
			err = os.Symlink(v, dst)
		default:
			err = errors.New("sys.tree line " + strconv.Itoa(n) + ": unknown kind " + kind)
		}
		if err != nil {
			return err
		}
	}
	return sc.Err()
}
