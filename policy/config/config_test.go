package config

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The shipped file must say exactly what the code defaults to.
func TestShippedFileMirrorsDefaults(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../configs/dataward.yaml")
	require.NoError(t, err)
	c, err := Parse(data)
	require.NoError(t, err)
	require.Equal(t, Default(), c)
}

func TestParse(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("retention:\n  personal: 3d\n  warn_before: [1h, 90s]\nusb:\n  allow:\n    - {vendor: \"0781\", serial: ABC}\n"))
	require.NoError(t, err)
	require.Equal(t, 72*time.Hour, c.Retention.Personal.D())
	require.Equal(t, []Duration{Duration(time.Hour), Duration(90 * time.Second)}, c.Retention.WarnBefore)
	require.Equal(t, time.Duration(Default().Retention.Grace), c.Retention.Grace.D(), "keys left out keep their defaults")
	require.Equal(t, []USBDevice{{Vendor: "0781", Serial: "ABC"}}, c.USB.Allow)

	for _, empty := range []string{"", "# nothing\n", "---\n"} {
		c, err := Parse([]byte(empty))
		require.NoError(t, err, "%q", empty)
		require.Equal(t, Default(), c)
	}
}

func TestParseErrorsNameKeyValueAndAllowed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		yaml string
		want []string
	}{
		{"retention:\n  personal: 3 days\n", []string{"retention.personal", `"3 days"`, "72h"}},
		{"retention:\n  persnal: 3d\n", []string{"retention", `"persnal"`, "personal, warn_before, grace"}},
		{"retention:\n  max_extensions: -1\n", []string{"retention.max_extensions", "-1", "0 or more"}},
		{"classify:\n  min_records: many\n", []string{"classify.min_records", `"many"`, "whole number"}},
		{"classify:\n  min_records: 0\n", []string{"classify.min_records", "0", "at least 1"}},
		{"watch:\n  downloads: maybe\n", []string{"watch.downloads", `"maybe"`, "true or false"}},
		{"watch:\n  paths: /home\n", []string{"watch.paths", "list"}},
		{"watch:\n  paths: [relative/dir]\n", []string{"watch.paths[0]", "relative/dir", "absolute"}},
		{"retention:\n  warn_before: [1h, 100h]\n", []string{"retention.warn_before[1]", "100h", "no longer than retention.personal"}},
		{"usb:\n  allow:\n    - {vendor: xyz}\n", []string{"usb.allow[0].vendor", "xyz", "4 hex digits"}},
		{"usb:\n  allow:\n    - {serial: \"a\\\"b\"}\n", []string{"usb.allow[0].serial", "without quotes"}},
		{"usb:\n  extra_devices: [\"[\"]\n", []string{"usb.extra_devices[0]", "glob"}},
		{"version: 2\n", []string{"version", "2", "version 1"}},
		{"colour: blue\n", []string{"config", `"colour"`, "allowed keys: version, watch"}},
		{"retention: [1, 2]\n", []string{"retention", "mapping"}},
		{"\tbad: [\n", []string{"not valid YAML"}},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.yaml))
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrInvalid))
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		72 * time.Hour: "3d", 90 * time.Minute: "1h30m", 15 * time.Minute: "15m", 30 * time.Second: "30s", 0: "0s",
	} {
		require.Equal(t, want, Duration(d).String())
	}
}

func TestDefaultPaths(t *testing.T) {
	t.Parallel()
	for _, goos := range []string{"linux", "darwin", "windows"} {
		p := DefaultPaths(goos, "")
		require.NotEmpty(t, p.Config)
		require.NotEmpty(t, p.StateDir)
		require.NotEmpty(t, p.AuditLog)
		require.NotEmpty(t, p.Socket)
	}
	require.Equal(t, `D:\PD\dataward\state`, DefaultPaths("windows", `D:\PD`).StateDir)
	c := Default().WithPaths(DefaultPaths("linux", ""))
	require.Equal(t, "/var/lib/dataward", c.StateDir)
}
