package downloads

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// recordedRegistry is a registry and a disk written down in testdata/.
type recordedRegistry struct {
	SystemDrive string       `json:"systemDrive"`
	ProfileList []winProfile `json:"profileList"`
	Users       map[string]struct {
		Account          string            `json:"account"`
		UserShellFolders map[string]string `json:"userShellFolders"`
	} `json:"users"`
	Dirs          []string `json:"dirs"`
	ReparsePoints []string `json:"reparsePoints"`
}

func (r *recordedRegistry) profiles() ([]winProfile, error) { return slices.Clone(r.ProfileList), nil }

func (r *recordedRegistry) downloads(sid string) (string, bool, error) {
	u, ok := r.Users[sid] // absent: the hive is not loaded
	if !ok {
		return "", false, nil
	}
	v, ok := u.UserShellFolders[downloadsFolderID]
	return v, ok, nil
}

func (r *recordedRegistry) account(sid string) string { return r.Users[sid].Account }
func (r *recordedRegistry) systemDrive() string       { return r.SystemDrive }

// check is checkProfileFolder on the recorded disk.
func (r *recordedRegistry) check(profile, dir string) error {
	has := func(list []string, p string) bool {
		return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, p) })
	}
	cur := profile
	for _, part := range strings.Split(dir[len(profile)+1:], `\`) {
		cur += `\` + part
		switch {
		case has(r.ReparsePoints, cur):
			return errNotRealDir
		case !has(r.Dirs, cur):
			return fs.ErrNotExist
		}
	}
	return nil
}

func TestWindowsRoots(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "windows", "registry.json"))
	require.NoError(t, err)
	var reg recordedRegistry
	require.NoError(t, json.Unmarshal(data, &reg))

	roots, skipped, err := windowsRoots(&reg, reg.check)
	require.NoError(t, err)
	got := struct {
		Roots   []Root   `json:"roots"`
		Skipped []string `json:"skipped"`
	}{Roots: roots}
	for _, e := range skipped {
		got.Skipped = append(got.Skipped, e.Error())
	}
	out, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	golden := filepath.Join("testdata", "windows", "roots.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, append(out, '\n'), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(out))
}

func TestWindowsRootsError(t *testing.T) {
	t.Parallel()
	_, _, err := windowsRoots(failingRegistry{}, nil)
	require.ErrorIs(t, err, errRegistry)
}

var errRegistry = errors.New("access denied")

type failingRegistry struct{ *recordedRegistry }

func (failingRegistry) profiles() ([]winProfile, error) { return nil, errRegistry }

func TestCleanWin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{`C:\Users\alice\Downloads`, `C:\Users\alice\Downloads`, true},
		{`C:/Users//alice/./Downloads/`, `C:\Users\alice\Downloads`, true},
		{`C:\Users\alice\..\bob`, `C:\Users\bob`, true},
		{`C:\..\..\Windows`, `C:\Windows`, true},
		{`\\server\share\dl`, `\\server\share\dl`, true},
		{`Users\alice`, ``, false},
		{`C:Users\alice`, ``, false},
		{`C:\Users\alice\Downloads.`, ``, false},
		{`C:\Users\alice\Downloads `, ``, false},
		{`C:\Users\alice\Downloads:stream`, ``, false},
		{`C:\Users\alice\*`, ``, false},
	}
	for _, tt := range tests {
		got, err := cleanWin(tt.in)
		if !tt.ok {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func TestWithinWin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		parent, child string
		want          bool
	}{
		{`C:\Users\alice`, `C:\Users\alice\Downloads`, true},
		{`C:\Users\alice`, `c:\users\ALICE\Downloads`, true},
		{`C:\Users\alice`, `C:\Users\alice`, false},
		{`C:\Users\alice`, `C:\Users\alice2\Downloads`, false},
		{`C:\Users\Mark`, "C:\\Users\\Mar\u212a\\Downloads", false}, // KELVIN SIGN folds to k in Unicode, not in NTFS
		{`\\?\C:\Users\alice`, `C:\Users\alice\Downloads`, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, withinWin(tt.parent, tt.child), "%s in %s", tt.child, tt.parent)
	}
}

func TestExpandWin(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"USERPROFILE": `C:\Users\alice`}
	got, err := expandWin(`%userprofile%\Downloads`, vars)
	require.NoError(t, err)
	require.Equal(t, `C:\Users\alice\Downloads`, got)
	for _, bad := range []string{`%OneDrive%\Downloads`, `%USERPROFILE\Downloads`, `%%\x`} {
		_, err := expandWin(bad, vars)
		require.Error(t, err, bad)
	}
}
