package installer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildStatic builds the main package pkg (a path under this module)
// without cgo, so that it runs in a root with no C library.
func buildStatic(t *testing.T, pkg, out string, tags ...string) {
	t.Helper()
	args := []string{"build", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	// go test puts its own go first in the PATH of the tests.
	cmd := exec.CommandContext(t.Context(), "go", append(args, pkg)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, "building %s: %s", pkg, output)
}

// The real System (kardianos/service, the command runner, the privilege
// check) installs, upgrades and uninstalls in a chroot whose systemctl,
// udevadm and service are a recorder: the test sees the commands the
// machine would get, and the files, modes and owners it would have.
func TestRealSystemInAChroot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot (CI runs as root)")
	}
	t.Parallel()
	bin := t.TempDir()
	buildStatic(t, "./testdata/driver", filepath.Join(bin, "driver"))
	buildStatic(t, "./testdata/recorder", filepath.Join(bin, "recorder"))
	driver, err := os.ReadFile(filepath.Join(bin, "driver"))
	require.NoError(t, err)
	recorder, err := os.ReadFile(filepath.Join(bin, "recorder"))
	require.NoError(t, err)

	for _, tc := range []struct {
		manager string
		calls   [3]string // of install, install again, uninstall
	}{
		{Systemd, [3]string{
			`udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
systemctl daemon-reload
systemctl enable dataward.service
systemctl start dataward.service
`, `systemctl is-active dataward.service
systemctl stop dataward.service
udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
systemctl daemon-reload
systemctl enable dataward.service
systemctl start dataward.service
`, `systemctl is-active dataward.service
systemctl stop dataward.service
systemctl disable dataward.service
systemctl daemon-reload
udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
`}},
		{SysV, [3]string{
			`udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
service dataward start
`, `service dataward status
service dataward stop
udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
service dataward start
`, `service dataward status
service dataward stop
udevadm control --reload
udevadm trigger --subsystem-match=block --action=change
`}},
	} {
		t.Run(tc.manager, func(t *testing.T) {
			t.Parallel()
			root := machineRoot(t, tc.manager)
			mkdirs(t, root, "/tmp", "/dev", "/usr/sbin")
			require.NoError(t, syscall.Mknod(filepath.Join(root, "dev/null"), syscall.S_IFCHR|0o666, 1<<8|3))
			writeFile(t, filepath.Join(root, "dataward-new"), string(driver), 0o755)
			writeFile(t, filepath.Join(root, "usr/bin/udevadm"), string(recorder), 0o755)
			if tc.manager == Systemd {
				// sd_booted(3): how kardianos/service knows systemd runs.
				mkdirs(t, root, "/run/systemd/system")
				writeFile(t, filepath.Join(root, "usr/bin/systemctl"), string(recorder), 0o755)
			} else {
				writeFile(t, filepath.Join(root, "usr/sbin/service"), string(recorder), 0o755)
			}
			writeFile(t, filepath.Join(root, "tmp/office.yaml"), "version: 1\nclassify:\n  min_records: 15\n", 0o600)
			writeFile(t, filepath.Join(root, "tmp/rule"), testRule, 0o644)
			before := snapshot(t, root)

			run := func(cred *syscall.Credential, args ...string) (string, string, error) {
				cmd := exec.CommandContext(t.Context(), "/dataward-new", args...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: cred}
				cmd.Dir = "/"
				cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				return stdout.String(), stderr.String(), err
			}
			calls := func() string {
				p := filepath.Join(root, "calls.log")
				data, err := os.ReadFile(p)
				if os.IsNotExist(err) {
					return ""
				}
				require.NoError(t, err)
				require.NoError(t, os.Remove(p))
				return string(data)
			}

			// Without root: one line saying what to do, nothing changed.
			_, stderr, err := run(&syscall.Credential{Uid: 65534, Gid: 65534}, "install", "--executable", "/dataward-new")
			require.Error(t, err)
			require.Equal(t, "dataward install: needs root: run it with sudo\n", stderr)
			require.Empty(t, diff(before, snapshot(t, root)))

			stdout, stderr, err := run(nil, "install", "--config", "/tmp/office.yaml", "--executable", "/dataward-new", "--udev-rule", "/tmp/rule")
			require.NoError(t, err, stderr)
			require.Contains(t, stdout, "dataward test installed and running ("+tc.manager+")")
			require.Equal(t, tc.calls[0], calls())
			installed := snapshot(t, root)
			for p, e := range diffEntries(before, installed) {
				require.Equalf(t, [2]uint32{0, 0}, [2]uint32{e.UID, e.GID}, "owner of %s", p)
			}
			require.Equal(t, before["/dataward-new"].Hash, installed["/usr/bin/dataward"].Hash)
			require.Equal(t, "file 0755", kindMode(installed["/usr/bin/dataward"]))
			require.Equal(t, "file 0644", kindMode(installed["/etc/dataward/dataward.yaml"]))
			require.Equal(t, "dir 0700", kindMode(installed["/var/lib/dataward"]))
			require.Equal(t, "dir 0750", kindMode(installed["/var/log/dataward"]))
			require.Equal(t, "file 0644", kindMode(installed["/etc/udev/rules.d/70-dataward-usb.rules"]))
			require.Equal(t, "file 0644", kindMode(installed["/etc/xdg/autostart/dataward-tray.desktop"]))
			if tc.manager == Systemd {
				unit, err := systemdUnit(layoutFor("linux", noEnv))
				require.NoError(t, err)
				require.Equal(t, sha(unit), installed["/etc/systemd/system/dataward.service"].Hash)
			} else {
				require.Equal(t, "file 0755", kindMode(installed["/etc/init.d/dataward"]))
				require.Equal(t, "../init.d/dataward", installed["/etc/rc2.d/S50dataward"].Link)
			}

			stdout, stderr, err = run(nil, "install", "--executable", "/dataward-new", "--udev-rule", "/tmp/rule")
			require.NoError(t, err, stderr)
			require.Contains(t, stdout, "kept the config")
			require.Equal(t, tc.calls[1], calls())

			stdout, stderr, err = run(nil, "uninstall")
			require.NoError(t, err, stderr)
			require.Contains(t, stdout, "dataward is uninstalled")
			require.Equal(t, tc.calls[2], calls())
			require.Empty(t, diff(before, snapshot(t, root)))

			_, stderr, err = run(nil, "start")
			require.Error(t, err)
			require.Equal(t, "dataward start: dataward is not installed: install it with dataward install\n", stderr)
		})
	}
}

// diffEntries returns the entries of after that are new or changed.
func diffEntries(before, after map[string]entry) map[string]entry {
	out := map[string]entry{}
	for p, a := range after {
		if b, ok := before[p]; !ok || a != b {
			out[p] = a
		}
	}
	return out
}
