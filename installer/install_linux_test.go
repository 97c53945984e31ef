package installer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"dataward/configs"
	"dataward/policy/config"
)

const testRule = "# the USB rule\nSUBSYSTEM==\"block\", ENV{ID_BUS}==\"usb\", ATTR{ro}=\"1\"\n"

// machineRoot makes a scratch root that looks like a Linux machine with
// manager: the system folders are there, dataward's and /etc/xdg are not.
func machineRoot(t *testing.T, manager string) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o755))
	mkdirs(t, root, "/etc", "/usr/bin", "/var/lib", "/var/log", "/run", "/etc/udev/rules.d")
	switch manager {
	case Systemd:
		mkdirs(t, root, "/etc/systemd/system")
	case SysV:
		mkdirs(t, root, "/etc/init.d")
		for _, lvl := range "0123456" {
			mkdirs(t, root, "/etc/rc"+string(lvl)+".d")
		}
	}
	writeFile(t, filepath.Join(root, "etc/hostname"), "office-pc\n", 0o644)
	writeFile(t, filepath.Join(root, "usr/bin/true"), "#!/bin/sh\n", 0o755)
	return root
}

// program writes a stand-in dataward binary outside the root.
func program(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dataward")
	writeFile(t, p, "#!/bin/sh\n# "+content+"\n", 0o755)
	return p
}

// added lists the paths in after and not in before as "path kind mode".
func added(before, after map[string]entry) []string {
	var out []string
	for p, a := range after {
		if _, ok := before[p]; !ok {
			out = append(out, p+" "+kindMode(a))
		}
	}
	sort.Strings(out)
	return out
}

func TestInstallTwiceThenUninstallLeavesOnlyTheAuditLog(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		manager string
		files   []string // what install adds besides the common part
		first   []string // calls of the first install
		second  []string // calls of the second
		removal []string // calls of uninstall
	}{
		{
			manager: Systemd,
			files:   []string{"/etc/systemd/system/dataward.service file 0644"},
			first: []string{
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"enable systemd dataward /usr/bin/dataward run", "start systemd dataward",
			},
			second: []string{
				"stop systemd dataward",
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"enable systemd dataward /usr/bin/dataward run", "start systemd dataward",
			},
			removal: []string{
				"stop systemd dataward", "disable systemd dataward", "reload systemd",
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"release usb",
			},
		},
		{
			manager: SysV,
			files: []string{
				"/etc/init.d/dataward file 0755",
				"/etc/logrotate.d dir 0755",
				"/etc/logrotate.d/dataward file 0644",
				"/etc/rc0.d/K02dataward link 0777", "/etc/rc1.d/K02dataward link 0777",
				"/etc/rc2.d/S50dataward link 0777", "/etc/rc3.d/S50dataward link 0777",
				"/etc/rc4.d/S50dataward link 0777", "/etc/rc5.d/S50dataward link 0777",
				"/etc/rc6.d/K02dataward link 0777",
			},
			first: []string{
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"enable sysv dataward /usr/bin/dataward run", "start sysv dataward",
			},
			second: []string{
				"stop sysv dataward",
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"enable sysv dataward /usr/bin/dataward run", "start sysv dataward",
			},
			removal: []string{
				"stop sysv dataward", "disable sysv dataward", "reload sysv",
				"udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change",
				"release usb",
			},
		},
	} {
		t.Run(tc.manager, func(t *testing.T) {
			t.Parallel()
			root := machineRoot(t, tc.manager)
			sys := newRecorder(tc.manager)
			ctx := t.Context()
			var out bytes.Buffer
			cfgFile := filepath.Join(t.TempDir(), "office.yaml")
			writeFile(t, cfgFile, "version: 1\nretention:\n  personal: 48h\n", 0o600)
			opt := Options{
				Root: Root(root), System: sys, Executable: program(t, "v1"), ConfigFile: cfgFile,
				UdevRule: []byte(testRule), Out: &out, Version: "1.0",
				ReleaseUSB: func(context.Context) error { return sys.record("release usb") },
			}
			before := snapshot(t, root)

			require.NoError(t, Install(ctx, opt))
			installed := snapshot(t, root)
			want := append([]string{
				"/etc/dataward dir 0755",
				"/etc/dataward/dataward.yaml file 0644",
				"/etc/dataward/installed.json file 0644",
				"/etc/udev/rules.d/70-dataward-usb.rules file 0644",
				"/etc/xdg dir 0755",
				"/etc/xdg/autostart dir 0755",
				"/etc/xdg/autostart/dataward-tray.desktop file 0644",
				"/usr/bin/dataward file 0755",
				"/var/lib/dataward dir 0700",
				"/var/log/dataward dir 0750",
			}, tc.files...)
			sort.Strings(want)
			require.Equal(t, want, added(before, installed))
			require.Equal(t, tc.first, sys.take())
			if os.Geteuid() == 0 {
				for p, e := range installed {
					require.Equalf(t, [2]uint32{0, 0}, [2]uint32{e.UID, e.GID}, "owner of %s", p)
				}
			}
			// What was installed is what the agent and the OS read.
			readFile := func(p string) string {
				data, err := os.ReadFile(filepath.Join(root, p))
				require.NoError(t, err)
				return string(data)
			}
			require.Equal(t, "version: 1\nretention:\n  personal: 48h\n", readFile("/etc/dataward/dataward.yaml"))
			require.NoError(t, CheckConfigPerms(filepath.Join(root, "/etc/dataward/dataward.yaml")))
			require.Equal(t, testRule, readFile("/etc/udev/rules.d/70-dataward-usb.rules"))
			require.Contains(t, readFile("/etc/xdg/autostart/dataward-tray.desktop"), "\nExec=/usr/bin/dataward tray\n")
			require.Contains(t, readFile("/usr/bin/dataward"), "v1")
			require.Contains(t, out.String(), "dataward 1.0 installed and running ("+tc.manager+")")

			// The agent runs: it keeps state, writes its audit log, serves
			// its socket.
			writeFile(t, filepath.Join(root, "var/lib/dataward/state.json"), "{}", 0o600)
			writeFile(t, filepath.Join(root, "var/log/dataward/audit.log"), `{"event":"agent_started"}`+"\n", 0o600)
			if tc.manager == SysV {
				writeFile(t, filepath.Join(root, "var/log/dataward/agent.log"), "started\n", 0o600)
				writeFile(t, filepath.Join(root, "var/log/dataward/agent.log.1.gz"), "rotated\n", 0o600)
				writeFile(t, filepath.Join(root, "run/dataward.pid"), "42\n", 0o644)
			}
			sock := filepath.Join(root, "run/dataward/dataward.sock")
			mkdirs(t, root, "/run/dataward")
			if len(sock) < 100 {
				l, err := net.Listen("unix", sock)
				require.NoError(t, err)
				l.(*net.UnixListener).SetUnlinkOnClose(false)
				l.Close()
			}

			// Again, with a new program and no config: an upgrade in place.
			out.Reset()
			opt.Executable, opt.ConfigFile = program(t, "v2"), ""
			require.NoError(t, Install(ctx, opt))
			require.Equal(t, tc.second, sys.take())
			require.Contains(t, readFile("/usr/bin/dataward"), "v2")
			require.Equal(t, "version: 1\nretention:\n  personal: 48h\n", readFile("/etc/dataward/dataward.yaml"), "config kept")
			require.Equal(t, "{}", readFile("/var/lib/dataward/state.json"), "state kept")
			require.Contains(t, out.String(), "kept the config: /etc/dataward/dataward.yaml")
			require.Contains(t, out.String(), "dataward 1.0 upgraded and running")

			out.Reset()
			require.NoError(t, Uninstall(ctx, opt))
			require.Equal(t, tc.removal, sys.take())
			require.Contains(t, out.String(), "its audit log is kept at /var/log/dataward/audit.log")
			after := snapshot(t, root)
			require.Equal(t, []string{
				"+ /var/log/dataward dir 0750 " + ownerOf(installed["/var/log/dataward"]),
				"+ /var/log/dataward/audit.log file 0600 " + ownerOf(after["/var/log/dataward/audit.log"]) + " 26 " + after["/var/log/dataward/audit.log"].Hash[:12],
			}, diff(before, after), "only the audit log is left")
		})
	}
}

func ownerOf(e entry) string { return fmt.Sprintf("%d:%d", e.UID, e.GID) }

func TestInstallRefusesABadConfigBeforeChangingAnything(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, "version: 1\nretention:\n  personal: soon\n", 0o644)
	before := snapshot(t, root)

	err := Install(t.Context(), Options{Root: Root(root), System: sys, Executable: program(t, "v1"), ConfigFile: bad})
	require.ErrorIs(t, err, config.ErrInvalid)
	require.ErrorContains(t, err, "retention.personal")
	require.ErrorContains(t, err, "nothing was changed")
	require.Empty(t, diff(before, snapshot(t, root)))
	require.Empty(t, sys.take())

	err = Install(t.Context(), Options{Root: Root(root), System: sys, Executable: program(t, "v1"), ConfigFile: filepath.Join(t.TempDir(), "none.yaml")})
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.Empty(t, diff(before, snapshot(t, root)))
}

func TestCommandsNeedPrivileges(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	sys.privileged = false
	before := snapshot(t, root)
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1")}
	for name, f := range map[string]func(context.Context, Options) error{
		"install": Install, "uninstall": Uninstall, "start": Start, "stop": Stop, "restart": Restart,
	} {
		err := f(t.Context(), opt)
		require.ErrorIs(t, err, ErrNotPrivileged, name)
		require.EqualError(t, err, "needs root: run it with sudo", name)
	}
	require.Empty(t, sys.take())
	require.Empty(t, diff(before, snapshot(t, root)))
}

func TestAnotherRootNeedsASystem(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	err := Install(t.Context(), Options{Root: Root(root), Executable: program(t, "v1")})
	require.ErrorContains(t, err, "needs a System")
}

func TestControlActsOnTheInstalledService(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, SysV)
	sys := newRecorder(SysV)
	var out bytes.Buffer
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1"), Out: &out}
	for _, f := range []func(context.Context, Options) error{Start, Stop, Restart} {
		require.ErrorIs(t, f(t.Context(), opt), ErrNotInstalled)
	}
	require.Empty(t, sys.take())

	require.NoError(t, Install(t.Context(), opt))
	sys.take()
	out.Reset()
	// The service manager of the installation, even if another is found
	// now.
	sys.manager = Systemd
	require.NoError(t, Stop(t.Context(), opt))
	require.NoError(t, Start(t.Context(), opt))
	require.NoError(t, Restart(t.Context(), opt))
	require.Equal(t, []string{"stop sysv dataward", "start sysv dataward", "restart sysv dataward"}, sys.take())
	require.Equal(t, "dataward stopped (sysv)\ndataward started (sysv)\ndataward restarted (sysv)\n", out.String())

	sys.fail = map[string]error{"start": errors.New("service dataward start: exit status 1")}
	require.ErrorContains(t, Start(t.Context(), opt), "exit status 1")
}

func TestAPackagedProgramIsLeftToThePackageManager(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	// The package put the program in place and runs it.
	packaged := filepath.Join(root, "usr/bin/dataward")
	writeFile(t, packaged, "#!/bin/sh\n# packaged\n", 0o755)
	before := snapshot(t, root)
	var out bytes.Buffer
	opt := Options{Root: Root(root), System: sys, Executable: packaged, Out: &out}

	require.NoError(t, Install(t.Context(), opt))
	require.Contains(t, out.String(), "program in place: /usr/bin/dataward")
	require.NoError(t, Install(t.Context(), opt))
	require.NoError(t, Uninstall(t.Context(), opt))
	require.NotContains(t, out.String(), "removed the program")
	require.Empty(t, diff(before, snapshot(t, root)), "the program stays for the package manager; no audit log was written")
	require.Contains(t, out.String(), "it wrote no audit log")
}

func TestInstallKeepsTheConfigOrReplacesItWhenGiven(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1")}
	cfgPath := filepath.Join(root, "etc/dataward/dataward.yaml")

	require.NoError(t, Install(t.Context(), opt))
	data, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	require.Equal(t, configs.DefaultYAML, data, "a new installation gets the defaults")

	// An administrator's edit survives an upgrade, and a loosened mode is
	// tightened again.
	writeFile(t, cfgPath, "version: 1\nclassify:\n  min_records: 20\n", 0o666)
	require.NoError(t, Install(t.Context(), opt))
	data, err = os.ReadFile(cfgPath)
	require.NoError(t, err)
	require.Equal(t, "version: 1\nclassify:\n  min_records: 20\n", string(data))
	fi, err := os.Stat(cfgPath)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), fi.Mode().Perm())

	newCfg := filepath.Join(t.TempDir(), "new.yaml")
	writeFile(t, newCfg, "version: 1\n", 0o600)
	opt.ConfigFile = newCfg
	require.NoError(t, Install(t.Context(), opt))
	data, err = os.ReadFile(cfgPath)
	require.NoError(t, err)
	require.Equal(t, "version: 1\n", string(data))
}

func TestAConfigElsewhereGetsItsFoldersAndLeavesTheirParents(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	mkdirs(t, root, "/srv")
	sys := newRecorder(Systemd)
	cfgFile := filepath.Join(t.TempDir(), "c.yaml")
	writeFile(t, cfgFile, "version: 1\nstate_dir: /srv/dw/state\naudit_log: /srv/logs/audit.log\n", 0o644)
	before := snapshot(t, root)
	var out bytes.Buffer
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1"), ConfigFile: cfgFile, Out: &out}
	require.NoError(t, Install(t.Context(), opt))
	installed := snapshot(t, root)
	require.Equal(t, "dir 0700", kindMode(installed["/srv/dw/state"]))
	require.Equal(t, "dir 0750", kindMode(installed["/srv/logs"]))
	writeFile(t, filepath.Join(root, "srv/dw/state/state.json"), "{}", 0o600)
	writeFile(t, filepath.Join(root, "srv/logs/audit.log"), "{}\n", 0o600)

	require.NoError(t, Uninstall(t.Context(), opt))
	d := diff(before, snapshot(t, root))
	require.Len(t, d, 2, "%v", d)
	require.True(t, strings.HasPrefix(d[0], "+ /srv/logs dir"), d[0])
	require.True(t, strings.HasPrefix(d[1], "+ /srv/logs/audit.log file"), d[1])
	require.Contains(t, out.String(), "its audit log is kept at /srv/logs/audit.log")
}

func TestWithoutUdevadmTheRuleAppliesAtBoot(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	sys.missing = map[string]bool{"udevadm": true}
	var out bytes.Buffer
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1"), UdevRule: []byte(testRule), Out: &out}
	require.NoError(t, Install(t.Context(), opt))
	require.Contains(t, out.String(), "udevadm not found: the USB rule changes from the next boot")

	// Installed again without a rule, the old one goes.
	out.Reset()
	sys.missing = nil
	sys.take()
	opt.UdevRule = nil
	require.NoError(t, Install(t.Context(), opt))
	require.NoFileExists(t, filepath.Join(root, "etc/udev/rules.d/70-dataward-usb.rules"))
	require.Contains(t, out.String(), "removed the USB rule")
	require.Contains(t, sys.take(), "udevadm control --reload")
}

func TestChangingServiceManagerMovesTheService(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, SysV)
	mkdirs(t, root, "/etc/systemd/system")
	sys := newRecorder(SysV)
	before := snapshot(t, root)
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1")}
	require.NoError(t, Install(t.Context(), opt))
	require.FileExists(t, filepath.Join(root, "etc/init.d/dataward"))
	sys.take()

	// systemd became the init system.
	sys.manager = Systemd
	require.NoError(t, Install(t.Context(), opt))
	require.NoFileExists(t, filepath.Join(root, "etc/init.d/dataward"))
	require.NoFileExists(t, filepath.Join(root, "etc/rc2.d/S50dataward"))
	require.FileExists(t, filepath.Join(root, "etc/systemd/system/dataward.service"))
	calls := sys.take()
	require.Equal(t, []string{"stop sysv dataward", "disable sysv dataward"}, calls[:2])
	require.Equal(t, []string{"enable systemd dataward /usr/bin/dataward run", "start systemd dataward"}, calls[len(calls)-2:])

	require.NoError(t, Uninstall(t.Context(), opt))
	require.Empty(t, diff(before, snapshot(t, root)))
}

func TestUninstallWhereNothingIsInstalled(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	before := snapshot(t, root)
	var out bytes.Buffer
	require.NoError(t, Uninstall(t.Context(), Options{Root: Root(root), System: sys, Out: &out}))
	require.Empty(t, diff(before, snapshot(t, root)))
	require.Contains(t, out.String(), "dataward was not installed")
	require.Empty(t, sys.take(), "no service to stop")
}

func TestUninstallGoesOnWhenTheUSBPolicyCannotBeRestored(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	before := snapshot(t, root)
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1"),
		ReleaseUSB: func(context.Context) error { return errors.New("blockdev --setrw /dev/sdb: busy") }}
	require.NoError(t, Install(t.Context(), opt))
	err := Uninstall(t.Context(), opt)
	require.ErrorContains(t, err, "restoring the USB policy: blockdev --setrw /dev/sdb: busy")
	require.Empty(t, diff(before, snapshot(t, root)), "everything else is removed")
}

func TestUninstallStopsIfTheServiceWillNotStop(t *testing.T) {
	t.Parallel()
	root := machineRoot(t, Systemd)
	sys := newRecorder(Systemd)
	opt := Options{Root: Root(root), System: sys, Executable: program(t, "v1")}
	require.NoError(t, Install(t.Context(), opt))
	installed := snapshot(t, root)
	sys.fail = map[string]error{"stop": errors.New("timed out")}
	require.ErrorContains(t, Uninstall(t.Context(), opt), "stopping the service: timed out")
	require.Empty(t, diff(installed, snapshot(t, root)), "nothing removed under a running agent")
}

// The SysV script is run for real here: start runs the agent under a
// supervisor that starts it again when it dies, status and stop work, and
// stop leaves no process and no pid file.
func TestSysVScriptSupervisesTheAgent(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	agent := filepath.Join(dir, "agent")
	writeFile(t, agent, "#!/bin/sh\n[ \"$1\" = run ] || exit 9\necho \"$$\" >>"+shellWord(runs)+"\ntrap 'exit 0' TERM\nwhile :; do sleep 0.05; done\n", 0o755)
	l := layoutFor("linux", os.Getenv)
	l.Program, l.PIDFile, l.AgentLog = agent, filepath.Join(dir, "dataward.pid"), filepath.Join(dir, "log/agent.log")
	script, err := sysvInit(l)
	require.NoError(t, err)
	initd := filepath.Join(dir, "dataward")
	writeFile(t, initd, string(script), 0o755)
	sh := func(arg string) (string, error) {
		out, err := exec.CommandContext(t.Context(), initd, arg).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	pids := func() []string {
		data, _ := os.ReadFile(runs)
		return strings.Fields(string(data))
	}
	t.Cleanup(func() { sh("stop") })

	out, err := sh("status")
	require.Error(t, err)
	require.Equal(t, "Stopped", out)
	out, err = sh("start")
	require.NoError(t, err, out)
	require.Equal(t, "Started", out)
	out, err = sh("status")
	require.NoError(t, err)
	require.Equal(t, "Running", out)
	require.Eventually(t, func() bool { return len(pids()) == 1 }, testWait, tick)

	// The agent dies: the supervisor starts it again after RESTART_DELAY.
	first := pids()[0]
	pid, err := strconv.Atoi(first)
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	require.Eventually(t, func() bool { return len(pids()) == 2 }, testWait, tick)

	out, err = sh("stop")
	require.NoError(t, err, out)
	require.Equal(t, "Stopped", out)
	require.NoFileExists(t, l.PIDFile)
	for _, p := range pids() {
		pid, err := strconv.Atoi(p)
		require.NoError(t, err)
		require.Error(t, syscall.Kill(pid, 0), "agent %d still running", pid)
	}
	out, err = sh("stop")
	require.NoError(t, err)
	require.Equal(t, "Stopped", out)
}
