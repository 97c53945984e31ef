package usb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUdevRuleLive has udev itself read the rendered rule: `udevadm test`
// simulates an add event for a real loop device and prints the properties
// set and the programs that would run. The rule goes to /run/udev/rules.d
// for the test only. It needs root and udevadm (Debian's udev package; no
// udev daemon is needed) and skips with the reason otherwise.
func TestUdevRuleLive(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: a loop device and /run/udev/rules.d")
	}
	udevadm, err := exec.LookPath("udevadm")
	if err != nil {
		t.Skip("needs udevadm (Debian package udev): ", err)
	}
	attach := func() string {
		img := filepath.Join(t.TempDir(), "disk.img")
		require.NoError(t, os.WriteFile(img, make([]byte, 1<<20), 0o600))
		out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
		require.NoError(t, err, "%s", out)
		dev := strings.TrimSpace(string(out))
		t.Cleanup(func() { _ = exec.Command("losetup", "-d", dev).Run() })
		return filepath.Base(dev)
	}
	stick, other := attach(), attach()

	rule, err := UdevRule("/usr/sbin/blockdev", []Rule{{Vendor: "0781", Product: "5583", Serial: "4C53"}}, []string{stick})
	require.NoError(t, err)
	dir := "/run/udev/rules.d"
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, UdevRuleName)
	_, err = os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "%s exists already: not overwriting it", path)
	require.NoError(t, os.WriteFile(path, rule, 0o644))
	t.Cleanup(func() { _ = os.Remove(path) })

	test := func(name string) string {
		out, err := exec.Command(udevadm, "test", "--action=add", "/sys/class/block/"+name).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	out := test(stick)
	require.Contains(t, out, "run: '/usr/sbin/blockdev --setro /dev/"+stick+"'")
	require.Contains(t, out, "UDISKS_MOUNT_OPTIONS_DEFAULTS=ro")
	require.Contains(t, out, "UDISKS_MOUNT_OPTIONS_ALLOW=exec,noexec")
	require.NotContains(t, out, ",rw,")
	for _, bad := range []string{"Invalid", "invalid", "rror"} {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, UdevRuleName) {
				require.NotContains(t, line, bad, "udev did not accept the rule: %s", line)
			}
		}
	}
	out = test(other)
	require.NotContains(t, out, "--setro", "a device that is neither USB nor in extra_devices is left alone")
	require.NotContains(t, out, "UDISKS_MOUNT_OPTIONS_DEFAULTS")
}
