package installer

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func noEnv(string) string { return "" }

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./installer -run %s -update to create it", t.Name())
	require.Equal(t, string(want), string(got), "rendered %s differs from testdata (go test -update rewrites it)", name)
}

// The service definitions every OS gets, rendered from configs/service.
func TestRenderedServiceFiles(t *testing.T) {
	t.Parallel()
	linux, darwin := layoutFor("linux", noEnv), layoutFor("darwin", noEnv)
	for _, tc := range []struct {
		golden string
		render func(layout) ([]byte, error)
		l      layout
	}{
		{"dataward.service", systemdUnit, linux},
		{"dataward.init", sysvInit, linux},
		{"dataward.logrotate", logrotate, linux},
		{"dataward-tray.desktop", xdgAutostart, linux},
		{"dataward.plist", launchdDaemon, darwin},
		{"dataward.tray.plist", launchAgent, darwin},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			got, err := tc.render(tc.l)
			require.NoError(t, err)
			golden(t, tc.golden, got)
			if strings.HasSuffix(tc.golden, ".plist") {
				requireWellFormedPlist(t, got)
			}
		})
	}
}

func TestWindowsSettings(t *testing.T) {
	t.Parallel()
	got, err := json.MarshalIndent(windowsSettings(layoutFor("windows", noEnv)), "", "  ")
	require.NoError(t, err)
	golden(t, "windows-service.json", append(got, '\n'))

	// What kardianos/service is handed for Windows says the same.
	l := layoutFor("windows", noEnv)
	kc := kardianosConfig(serviceOf(l, Windows))
	require.Equal(t, `C:\Program Files\dataward\dataward.exe`, kc.Executable)
	require.Equal(t, []string{"run"}, kc.Arguments)
	require.Equal(t, true, kc.Option["DelayedAutoStart"])
	require.Equal(t, "automatic", kc.Option["StartType"])
	require.Equal(t, "restart", kc.Option["OnFailure"])
	require.Equal(t, "5s", kc.Option["OnFailureDelayDuration"])
	require.Equal(t, 86400, kc.Option["OnFailureResetPeriod"])
}

func TestWindowsLayoutFollowsTheEnvironment(t *testing.T) {
	t.Parallel()
	l := layoutFor("windows", func(k string) string {
		return map[string]string{"ProgramFiles": `D:\Apps`, "ProgramData": `D:\Data`}[k]
	})
	require.Equal(t, `D:\Apps\dataward\dataward.exe`, l.Program)
	require.Equal(t, `D:\Data\dataward\dataward.yaml`, l.Paths.Config)
	require.Equal(t, `D:\Data\dataward\installed.json`, l.Record)
	require.Equal(t, `D:\Data\dataward\logs`, l.LogDir)
	require.Equal(t, `"D:\Apps\dataward\dataward.exe" tray`, windowsSettings(l).RunValue)
}

func requireWellFormedPlist(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		require.NoError(t, err)
	}
}

// The unit hardens the service only in ways that keep its work possible:
// nothing that gives it a mount namespace of its own (its remounts must
// reach the host) or closes the device list (BLKROSET on any disk), and
// nothing that hides users' homes.
func TestSystemdUnitKeepsWhatTheAgentMustDo(t *testing.T) {
	t.Parallel()
	unit, err := systemdUnit(layoutFor("linux", noEnv))
	require.NoError(t, err)
	keys := map[string]string{}
	for line := range strings.Lines(string(unit)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		keys[k] = v
	}
	for _, k := range []string{
		"ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateMounts",
		"ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
		"ProtectClock", "ProtectProc", "ReadOnlyPaths", "InaccessiblePaths", "TemporaryFileSystem",
		"DeviceAllow", "DevicePolicy", "CapabilityBoundingSet", "User", "DynamicUser",
	} {
		require.NotContains(t, keys, k)
	}
	require.Equal(t, "/usr/bin/dataward run", keys["ExecStart"])
	require.Equal(t, "always", keys["Restart"])
	require.Equal(t, "20", keys["TimeoutStopSec"])
	require.Equal(t, "0", keys["StartLimitIntervalSec"])
	require.Equal(t, "multi-user.target", keys["WantedBy"])
}

func TestQuoting(t *testing.T) {
	t.Parallel()
	odd := `/opt/data ward/"100%" $x\y's/dataward`
	require.Equal(t, "/usr/bin/dataward", systemdWord("/usr/bin/dataward"))
	require.Equal(t, `"/opt/data ward/\"100%%\" $$x\\y's/dataward"`, systemdWord(odd))
	require.Equal(t, "/usr/bin/dataward", desktopWord("/usr/bin/dataward"))
	require.Equal(t, `"/opt/data ward/\\"100%%\\" \\$x\\\\y's/dataward"`, desktopWord(odd))
	x, err := xmlText(`/a&b/<c>`)
	require.NoError(t, err)
	require.Equal(t, `/a&amp;b/&lt;c&gt;`, x)

	if runtime.GOOS == "windows" {
		return
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to check shell quoting with")
	}
	out, err := exec.Command(sh, "-c", "printf %s "+shellWord(odd)).Output()
	require.NoError(t, err)
	require.Equal(t, odd, string(out))
}

// systemd itself reads the rendered unit, where systemd-analyze is
// installed (Debian's systemd package): no unknown key, no bad value.
func TestSystemdAcceptsTheUnit(t *testing.T) {
	t.Parallel()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze to verify the unit with (apt-get install systemd)")
	}
	dir := t.TempDir()
	program := filepath.Join(dir, "dataward")
	require.NoError(t, os.WriteFile(program, []byte("#!/bin/sh\n"), 0o755))
	l := layoutFor("linux", noEnv)
	l.Program = program
	unit, err := systemdUnit(l)
	require.NoError(t, err)
	path := filepath.Join(dir, "dataward.service")
	require.NoError(t, os.WriteFile(path, unit, 0o644))
	out, err := exec.CommandContext(t.Context(), analyze, "verify", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NotContains(t, string(out), "dataward.service")
}
