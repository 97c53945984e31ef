package fde

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseFdesetupStatus(t *testing.T) {
	t.Parallel()
	wants := map[string]struct {
		state   State
		percent int
	}{
		"on":                 {Encrypted, 0},
		"on-master-keychain": {Encrypted, 0},
		"off":                {NotEncrypted, 0},
		"encrypting":         {InProgress, 42},
		"encrypting-decimal": {InProgress, 7},
		"encrypting-pending": {InProgress, 0},
		"decrypting":         {NotEncrypted, 0},
		"deferred":           {NotEncrypted, 0},
		"restart-on":         {InProgress, 0},
		"restart-enable":     {InProgress, 0},
		"unrecognised":       {Unknown, 0},
		"empty":              {Unknown, 0},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "darwin", "*.txt"))
	require.NoError(t, err)
	require.Len(t, files, len(wants), "every recorded output has an expectation")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := os.ReadFile(f)
			require.NoError(t, err)
			v := parseFdesetupStatus(out)
			w, ok := wants[name]
			require.True(t, ok)
			require.Equal(t, w.state, v.State)
			require.Equal(t, w.percent, v.Percent)
			require.Equal(t, "/", v.Mount)
			require.Equal(t, RoleSystem, v.Role)
			if v.State == NotEncrypted || v.State == Unknown {
				require.NotEmpty(t, v.Fix+v.Reason)
			}
			golden(t, "darwin/"+name, v)
		})
	}
}

func TestCheckFileVault(t *testing.T) {
	t.Parallel()
	run := fakeRun(map[string]string{"fdesetup status": "FileVault is Off.\n"}, nil)
	vols, err := checkFileVault(t.Context(), run)
	require.NoError(t, err)
	require.Equal(t, []Volume{{Mount: "/", Role: RoleSystem, State: NotEncrypted, Fix: fixFileVault}}, vols)

	boom := errors.New("fdesetup status: exit status 1: Error: must be run as root")
	_, err = checkFileVault(t.Context(), fakeRun(nil, map[string]error{"fdesetup": boom}))
	require.ErrorIs(t, err, boom)
}
