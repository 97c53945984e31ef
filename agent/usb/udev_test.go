package usb

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateUdev = flag.Bool("update-udev", false, "rewrite testdata/udev/*.rules")

func TestUdevRuleGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		allow []Rule
		extra []string
	}{
		{"default", nil, nil},
		{"allow-and-extra", []Rule{{Vendor: "0x0781", Product: "5583", Serial: "4C530001230815117254"}, {Vendor: "152D"}},
			[]string{"mmcblk*", "sd[x-z]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := UdevRule("/usr/sbin/blockdev", tt.allow, tt.extra)
			require.NoError(t, err)
			golden := filepath.Join("testdata", "udev", tt.name+".rules")
			if *updateUdev {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

func TestUdevRuleRefusesWhatUdevCannotCarry(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		blockdev string
		allow    []Rule
		extra    []string
	}{
		{"relative blockdev", "blockdev", nil, nil},
		{"quote in serial", "/usr/sbin/blockdev", []Rule{{Serial: `abc", RUN+="/bin/sh`}}, nil},
		{"backslash", "/usr/sbin/blockdev", nil, []string{`sd\b`}},
		{"newline", "/usr/sbin/blockdev", []Rule{{Vendor: "0781\nRUN"}}, nil},
		{"empty rule", "/usr/sbin/blockdev", []Rule{{}}, nil},
	} {
		_, err := UdevRule(tt.blockdev, tt.allow, tt.extra)
		require.Error(t, err, tt.name)
	}
}
