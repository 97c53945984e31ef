package fde

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestLiveRoot checks this machine's own root filesystem, and compares the
// answer with what the test finds by another route: its own reading of the
// mount table, and every device-mapper UUID on the machine.
func TestLiveRoot(t *testing.T) {
	t.Parallel()
	vols, err := New(Options{}).Check(t.Context())
	require.NoError(t, err)
	for _, v := range vols {
		t.Logf("%+v", v)
	}
	var root *Volume
	for i := range vols {
		if vols[i].Mount == "/" {
			root = &vols[i]
		}
	}
	require.NotNil(t, root, "/ is always reported")
	require.Equal(t, RoleSystem, root.Role)

	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	var majmin, fstype, source string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[4] != "/" {
			continue
		}
		for i := 6; i+2 < len(f); i++ {
			if f[i] == "-" {
				majmin, fstype, source = f[2], f[i+1], f[i+2]
				break
			}
		}
	}
	require.NotEmpty(t, majmin, "a line for / in the mount table")
	t.Logf("/ is %s on %s (%s)", fstype, source, majmin)

	crypt := regexp.MustCompile(`^CRYPT-(LUKS1|LUKS2|PLAIN|BITLK|TCRYPT|FVAULT2|LOOPAES)-`)
	uuids, _ := filepath.Glob("/sys/block/*/dm/uuid")
	var encrypting []string
	for _, u := range uuids {
		b, err := os.ReadFile(u)
		require.NoError(t, err)
		if crypt.Match(b) {
			encrypting = append(encrypting, u)
		}
	}
	switch {
	case fstype == "zfs":
		require.NotEqual(t, Unknown, root.State, root.Reason)
	case strings.HasPrefix(majmin, "0:") && !strings.HasPrefix(source, "/dev/"):
		require.Equal(t, Unknown, root.State, "/ is not on a disk")
	case len(encrypting) == 0:
		// No dm-crypt mapping exists on this machine at all: / cannot be
		// encrypted.
		require.Equal(t, NotEncrypted, root.State, root.Reason)
		require.Equal(t, fixLinux, root.Fix)
		if source != "/dev/root" {
			require.Equal(t, source, root.Device)
		}
	default:
		// Some mapping encrypts: / is encrypted when its own device is one,
		// or stands on one (LVM, md).
		t.Logf("encrypting mappings: %v", encrypting)
		self := filepath.Join("/sys/dev/block", majmin, "dm/uuid")
		if b, err := os.ReadFile(self); err == nil && crypt.Match(b) {
			require.Equal(t, Encrypted, root.State)
		} else {
			require.Contains(t, []State{Encrypted, NotEncrypted}, root.State)
		}
	}
}

// needRoot skips unless the test can mount: root, and the tools named.
func needRoot(t *testing.T, tools ...string) map[string]string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: mounts loop devices")
	}
	paths := map[string]string{}
	for _, tool := range tools {
		p, err := exec.LookPath(tool)
		if err != nil {
			for _, dir := range []string{"/usr/sbin", "/sbin"} {
				if _, err := os.Stat(filepath.Join(dir, tool)); err == nil {
					p = filepath.Join(dir, tool)
				}
			}
		}
		if p == "" {
			t.Skipf("needs %s (e2fsprogs, btrfs-progs, util-linux)", tool)
		}
		paths[tool] = p
	}
	return paths
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v: %s", name, args, out)
	return strings.TrimSpace(string(out))
}

// TestLiveLoopExt4 mounts an ext4 image with the encrypt feature on a loop
// device at a path with a space, and checks against the real kernel: the
// mount table's escaping, that a loop-backed filesystem is not taken for a
// fixed disk, and that statx reports a folder fscrypt encrypts (the flag a
// recorded tree cannot carry).
func TestLiveLoopExt4(t *testing.T) {
	tools := needRoot(t, "mkfs.ext4", "mount", "umount")
	dir := t.TempDir()
	img := filepath.Join(dir, "disk.img")
	require.NoError(t, os.WriteFile(img, nil, 0o600))
	require.NoError(t, os.Truncate(img, 64<<20))
	run(t, tools["mkfs.ext4"], "-q", "-O", "encrypt", img)
	mnt := filepath.Join(dir, "Photos and Letters")
	require.NoError(t, os.Mkdir(mnt, 0o755))
	if out, err := exec.CommandContext(t.Context(), tools["mount"], "-o", "loop", img, mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot loop-mount here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(tools["umount"], mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})

	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	ms, err := parseMountinfo(data)
	require.NoError(t, err)
	var m *mount
	for i := range ms {
		if ms[i].Point == mnt {
			m = &ms[i]
		}
	}
	require.NotNil(t, m, "the mount at %q, read back through its escapes", mnt)
	require.Equal(t, "ext4", m.FSType)
	require.Equal(t, 7, m.Major, "a loop device")

	vols, err := New(Options{}).Check(t.Context())
	require.NoError(t, err)
	for _, v := range vols {
		require.NotEqual(t, mnt, v.Mount, "a loop-backed filesystem is not a fixed disk")
	}

	t.Run("fscrypt", func(t *testing.T) {
		alice := filepath.Join(mnt, "home", "alice")
		bob := filepath.Join(mnt, "home", "bob")
		require.NoError(t, os.MkdirAll(alice, 0o700))
		require.NoError(t, os.MkdirAll(bob, 0o700))
		if err := fscryptEncrypt(mnt, alice); err != nil {
			t.Skipf("this kernel cannot encrypt with fscrypt: %v", err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(alice, "members.csv"), []byte("name\n"), 0o600))

		enc, err := dirEncrypted(alice)
		require.NoError(t, err)
		require.True(t, enc, "statx reports the fscrypt folder encrypted")
		enc, err = dirEncrypted(bob)
		require.NoError(t, err)
		require.False(t, enc)
		enc, err = dirEncrypted(t.TempDir())
		require.NoError(t, err)
		require.False(t, enc)

		// The whole path, with the image as the root: / is an overlay
		// here, so alice's folder is reported home-only, from the kernel's
		// flag.
		require.NoError(t, os.MkdirAll(filepath.Join(mnt, "proc", "self"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(mnt, "proc", "self", "mountinfo"),
			[]byte("25 1 0:26 / / rw - overlay overlay rw\n"), 0o644))
		vols, err := New(Options{SysRoot: mnt}).Check(t.Context())
		require.NoError(t, err)
		requireVolumes(t, vols, map[string]want{
			"/":           {RoleSystem, Unknown, ""},
			"/home/alice": {RoleHome, Encrypted, "fscrypt (home only)"},
		})
	})
}

// fscryptEncrypt gives dir, an empty folder on the filesystem mounted at
// mnt, a v2 fscrypt policy with a random key (the kernel's
// Documentation/filesystems/fscrypt.rst: FS_IOC_ADD_ENCRYPTION_KEY, then
// FS_IOC_SET_ENCRYPTION_POLICY). The key goes with the unmount.
func fscryptEncrypt(mnt, dir string) error {
	fs, err := os.Open(mnt)
	if err != nil {
		return err
	}
	defer fs.Close()
	var add struct {
		unix.FscryptAddKeyArg
		raw [64]byte
	}
	add.Key_spec.Type = unix.FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER
	add.Raw_size = uint32(len(add.raw))
	if _, err := rand.Read(add.raw[:]); err != nil {
		return err
	}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, fs.Fd(), unix.FS_IOC_ADD_ENCRYPTION_KEY, uintptr(unsafe.Pointer(&add))); e != 0 {
		return os.NewSyscallError("FS_IOC_ADD_ENCRYPTION_KEY", e)
	}
	runtime.KeepAlive(&add)
	pol := unix.FscryptPolicyV2{
		Version:                   unix.FSCRYPT_POLICY_V2,
		Contents_encryption_mode:  unix.FSCRYPT_MODE_AES_256_XTS,
		Filenames_encryption_mode: unix.FSCRYPT_MODE_AES_256_CTS,
		Flags:                     unix.FSCRYPT_POLICY_FLAGS_PAD_32,
	}
	copy(pol.Master_key_identifier[:], add.Key_spec.U[:unix.FSCRYPT_KEY_IDENTIFIER_SIZE])
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, d.Fd(), unix.FS_IOC_SET_ENCRYPTION_POLICY, uintptr(unsafe.Pointer(&pol))); e != 0 {
		return os.NewSyscallError("FS_IOC_SET_ENCRYPTION_POLICY", e)
	}
	runtime.KeepAlive(&pol)
	return nil
}

// TestLiveBtrfsMembers builds a btrfs filesystem across two loop devices
// and checks that the checker finds both from the one device mountinfo
// names, on the real kernel's sysfs.
func TestLiveBtrfsMembers(t *testing.T) {
	tools := needRoot(t, "mkfs.btrfs", "losetup", "mount", "umount")
	dir := t.TempDir()
	var loops []string
	for _, name := range []string{"a.img", "b.img"} {
		img := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(img, nil, 0o600))
		require.NoError(t, os.Truncate(img, 160<<20))
		out, err := exec.CommandContext(t.Context(), tools["losetup"], "--find", "--show", img).CombinedOutput()
		if err != nil {
			t.Skipf("cannot attach a loop device here: %v: %s", err, out)
		}
		loop := strings.TrimSpace(string(out))
		loops = append(loops, loop)
		t.Cleanup(func() { _ = exec.Command(tools["losetup"], "-d", loop).Run() })
	}
	run(t, tools["mkfs.btrfs"], "-q", "-f", "-d", "single", "-m", "raid1", loops[0], loops[1])
	mnt := filepath.Join(dir, "mnt")
	require.NoError(t, os.Mkdir(mnt, 0o755))
	run(t, tools["mount"], loops[0], mnt)
	t.Cleanup(func() {
		if out, err := exec.Command(tools["umount"], mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})

	data, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	ms, err := parseMountinfo(data)
	require.NoError(t, err)
	var m *mount
	for i := range ms {
		if ms[i].Point == mnt {
			m = &ms[i]
		}
	}
	require.NotNil(t, m)
	require.Equal(t, "btrfs", m.FSType)
	require.Equal(t, 0, m.Major, "btrfs mounts carry an anonymous device number")

	s := sysfs{dir: "/sys"}
	dev, err := s.mountedDevice(*m)
	require.NoError(t, err)
	members := s.btrfsMembers(*m, dev)
	var names []string
	for _, p := range members {
		names = append(names, "/dev/"+filepath.Base(p))
	}
	require.ElementsMatch(t, loops, names)
	var w walkResult
	for _, p := range members {
		require.NoError(t, s.walk(p, 0, "", &w))
	}
	require.True(t, w.allLoop())
	require.Empty(t, w.methods)
	require.ElementsMatch(t, baseNames(loops), w.plain, "no encryption layer above either member")
}

func baseNames(ps []string) []string {
	var out []string
	for _, p := range ps {
		out = append(out, filepath.Base(p))
	}
	return out
}
