package installer

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The paths dataward may leave on this machine, besides /etc and /usr/bin
// which are compared whole.
var leftovers = []string{"/var/lib/dataward", "/run/dataward", "/run/dataward.pid", "/var/log/dataward"}

// scripts/package.sh packages every target, and the .deb it builds
// installs with dpkg -i (its postinst runs `dataward install`: the agent
// runs), and dpkg -r removes it (its prerm runs `dataward uninstall`)
// leaving /etc and /usr/bin as they were and only the audit log. This
// installs dataward on this machine for real, so it runs only when asked,
// as root, on a machine without dataward, and removes what it left at the
// end. DATAWARD_PACKAGE_TARGETS (package.sh's TARGETS) narrows the build.
func TestDebPackageInstallsAndRemovesCleanly(t *testing.T) {
	if os.Getenv("DATAWARD_PACKAGE_TEST") != "1" {
		t.Skip("set DATAWARD_PACKAGE_TEST=1 to build the .deb and install and remove it on this machine with dpkg (as root)")
	}
	require.Zero(t, os.Geteuid(), "DATAWARD_PACKAGE_TEST=1 needs root: dpkg installs the package on this machine")
	_, err := exec.LookPath("dpkg")
	require.NoError(t, err, "DATAWARD_PACKAGE_TEST=1 needs dpkg")
	require.Error(t, exec.Command("dpkg", "-s", "dataward").Run(), "this machine already has the dataward package")
	for _, p := range append([]string{"/usr/bin/dataward", "/etc/dataward"}, leftovers...) {
		_, err := os.Lstat(p)
		require.True(t, os.IsNotExist(err), "this machine already has %s: the test must start from a machine without dataward", p)
	}
	t.Cleanup(func() {
		exec.Command("dpkg", "--purge", "dataward").Run()
		for _, p := range leftovers {
			os.RemoveAll(p)
		}
	})

	repo, err := filepath.Abs("..")
	require.NoError(t, err)
	dist := t.TempDir()
	env := append(os.Environ(), "DIST="+dist, "VERSION=0.0.1")
	if targets := os.Getenv("DATAWARD_PACKAGE_TARGETS"); targets != "" {
		env = append(env, "TARGETS="+targets)
	} else {
		env = append(env, "TARGETS=")
	}
	if !installWired(t, repo) {
		// Until cmd/dataward runs the installer, the package carries the
		// same calls from the test driver (with the agent).
		t.Log("cmd/dataward does not run the installer yet: packaging installer/testdata/driver instead")
		env = append(env, "DATAWARD_MAIN=./installer/testdata/driver", "GOFLAGS="+os.Getenv("GOFLAGS")+" -tags=agent")
	}
	pkg := exec.CommandContext(t.Context(), "bash", "scripts/package.sh")
	pkg.Dir, pkg.Env = repo, env
	began := time.Now()
	out, err := pkg.CombinedOutput()
	require.NoError(t, err, "package.sh: %s", out)
	t.Logf("package.sh took %s", time.Since(began).Round(time.Second))
	if os.Getenv("DATAWARD_PACKAGE_TARGETS") == "" {
		requireArtifacts(t, dist)
	}
	deb := filepath.Join(dist, "dataward_0.0.1_"+runtime.GOARCH+".deb")
	require.FileExists(t, deb, "package.sh made no .deb: %s", out)

	etc, usrBin := snapshot(t, "/etc"), snapshot(t, "/usr/bin")

	out, err = exec.CommandContext(t.Context(), "dpkg", "-i", deb).CombinedOutput()
	require.NoError(t, err, "dpkg -i: %s", out)
	t.Logf("dpkg -i:\n%s", out)
	require.Contains(t, string(out), "installed and running")
	require.FileExists(t, "/usr/bin/dataward")
	require.FileExists(t, "/etc/dataward/dataward.yaml")
	require.NoError(t, CheckConfigPerms("/etc/dataward/dataward.yaml"))
	// The agent runs: it writes agent_started to its audit log.
	audit := "/var/log/dataward/audit.log"
	require.Eventually(t, func() bool {
		data, _ := os.ReadFile(audit)
		return bytes.Contains(data, []byte(`"agent_started"`))
	}, 20*time.Second, 100*time.Millisecond, "the agent did not start; its log: %s", readQuiet("/var/log/dataward/agent.log"))
	started := func() int {
		data, _ := os.ReadFile(audit)
		return bytes.Count(data, []byte(`"agent_started"`))
	}
	pid := 0
	if data, err := os.ReadFile("/run/dataward.pid"); err == nil { // SysV init
		pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		require.NoError(t, syscall.Kill(pid, 0), "the service's supervisor runs")
		// The agent dies: the service starts it again by itself.
		agents := childrenOf(t, pid)
		require.Len(t, agents, 1)
		n := started()
		require.NoError(t, syscall.Kill(agents[0], syscall.SIGKILL))
		require.Eventually(t, func() bool { return started() > n }, 20*time.Second, 100*time.Millisecond)
	}

	// The installed service answers dataward stop, start and restart.
	for _, cmd := range []string{"stop", "start", "restart"} {
		n := started()
		out, err := exec.CommandContext(t.Context(), "/usr/bin/dataward", cmd).CombinedOutput()
		require.NoError(t, err, "dataward %s: %s", cmd, out)
		require.Contains(t, string(out), "dataward "+cmd)
		if cmd != "stop" {
			require.Eventually(t, func() bool { return started() > n }, 20*time.Second, 100*time.Millisecond, cmd)
		}
	}
	if data, err := os.ReadFile("/run/dataward.pid"); err == nil {
		pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}

	out, err = exec.CommandContext(t.Context(), "dpkg", "-r", "dataward").CombinedOutput()
	require.NoError(t, err, "dpkg -r: %s", out)
	t.Logf("dpkg -r:\n%s", out)
	require.Contains(t, string(out), "its audit log is kept at "+audit)
	require.Empty(t, diff(etc, snapshot(t, "/etc")), "/etc is as it was")
	require.Empty(t, diff(usrBin, snapshot(t, "/usr/bin")), "/usr/bin is as it was")
	for _, p := range leftovers[:3] {
		require.NoFileExists(t, p)
		require.NoDirExists(t, p)
	}
	entries, err := os.ReadDir("/var/log/dataward")
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the audit log is left")
	data, err := os.ReadFile(audit)
	require.NoError(t, err)
	require.Contains(t, string(data), `"agent_stopped"`)
	if pid != 0 {
		require.Error(t, syscall.Kill(pid, 0), "the supervisor is gone")
	}
}

// requireArtifacts checks that dist holds a package for every target:
// Debian and RPM packages with the program, the Windows zip and the macOS
// tarballs with the program and INSTALL.txt, and their checksums.
func requireArtifacts(t *testing.T, dist string) {
	t.Helper()
	for _, arch := range []string{"amd64", "arm64"} {
		deb := filepath.Join(dist, "dataward_0.0.1_"+arch+".deb")
		out, err := exec.Command("dpkg-deb", "--contents", deb).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Contains(t, string(out), "./usr/bin/dataward")
		out, err = exec.Command("dpkg-deb", "--field", deb, "Architecture").CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Equal(t, arch, strings.TrimSpace(string(out)))
	}
	for _, arch := range []string{"x86_64", "aarch64"} {
		data, err := os.ReadFile(filepath.Join(dist, "dataward-0.0.1-1."+arch+".rpm"))
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(data, []byte{0xed, 0xab, 0xee, 0xdb}), "an RPM lead")
	}
	zr, err := zip.OpenReader(filepath.Join(dist, "dataward-0.0.1-windows-amd64.zip"))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	require.Subset(t, names, []string{"dataward-0.0.1-windows-amd64/dataward.exe", "dataward-0.0.1-windows-amd64/INSTALL.txt"})
	for _, arch := range []string{"amd64", "arm64"} {
		name := "dataward-0.0.1-darwin-" + arch
		out, err := exec.Command("tar", "-tzf", filepath.Join(dist, name+".tar.gz")).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Contains(t, string(out), name+"/dataward\n")
		require.Contains(t, string(out), name+"/INSTALL.txt\n")
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	require.NoError(t, err)
	require.Equal(t, 7, strings.Count(string(sums), "\n"), "%s", sums)
}

// installWired reports whether cmd/dataward's install runs the installer:
// given a config that does not exist, it then fails before changing
// anything, where a build without it says it is not available.
func installWired(t *testing.T, repo string) bool {
	bin := filepath.Join(t.TempDir(), "dataward")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./cmd/dataward")
	build.Dir = repo
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, _ = exec.CommandContext(t.Context(), bin, "install", "--config", filepath.Join(t.TempDir(), "none.yaml")).CombinedOutput()
	return !bytes.Contains(out, []byte("not yet available"))
}

// childrenOf returns the processes whose parent is pid.
func childrenOf(t *testing.T, pid int) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	require.NoError(t, err)
	var out []int
	for _, p := range stats {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, not ")".
		i := bytes.LastIndexByte(data, ')')
		fields := strings.Fields(string(data[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(strings.Fields(string(data))[0])
			out = append(out, child)
		}
	}
	return out
}

func readQuiet(p string) string {
	data, _ := os.ReadFile(p)
	return string(data)
}
