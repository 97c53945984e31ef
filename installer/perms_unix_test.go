//go:build unix

package installer

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckConfigPerms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fileMode fs.FileMode
		dirMode  fs.FileMode
		refused  string // "" when accepted
	}{
		{"root only", 0o644, 0o755, ""},
		{"private", 0o600, 0o700, ""},
		{"everyone writes the file", 0o666, 0o755, "the config %s is writable by everyone (mode 0666)"},
		{"group writes the file", 0o664, 0o755, "the config %s is writable by its group (mode 0664)"},
		{"everyone writes the folder", 0o644, 0o777, "its folder %s is writable by everyone (mode 0777)"},
		{"group writes the folder", 0o644, 0o775, "its folder %s is writable by its group (mode 0775)"},
		{"sticky folder", 0o644, 0o777 | fs.ModeSticky, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "dataward")
			require.NoError(t, os.Mkdir(dir, 0o700))
			p := filepath.Join(dir, "dataward.yaml")
			writeFile(t, p, "version: 1\n", tc.fileMode)
			require.NoError(t, os.Chmod(dir, tc.dirMode))
			err := CheckConfigPerms(p)
			if tc.refused == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrUnsafeConfig)
			bad := p
			if tc.dirMode&0o022 != 0 {
				bad = dir
			}
			require.ErrorContains(t, err, "config refused: someone other than an administrator can change it: ")
			require.ErrorContains(t, err, fmtPath(tc.refused, bad))
			require.ErrorContains(t, err, "fix it with: sudo chown root "+bad+" && sudo chmod go-w "+bad)
		})
	}
}

func fmtPath(format, p string) string {
	return fmt.Sprintf(format, p)
}

func TestCheckConfigPermsFollowsALink(t *testing.T) {
	t.Parallel()
	open := t.TempDir()
	require.NoError(t, os.Chmod(open, 0o777))
	target := filepath.Join(open, "real.yaml")
	writeFile(t, target, "version: 1\n", 0o644)
	dir := filepath.Join(t.TempDir(), "etc")
	require.NoError(t, os.Mkdir(dir, 0o755))
	link := filepath.Join(dir, "dataward.yaml")
	require.NoError(t, os.Symlink(target, link))
	err := CheckConfigPerms(link)
	require.ErrorIs(t, err, ErrUnsafeConfig)
	require.ErrorContains(t, err, "its folder "+open+" is writable by everyone")
}

func TestCheckConfigPermsOwner(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "dataward.yaml")
	writeFile(t, p, "version: 1\n", 0o644)
	require.NoError(t, os.Chown(p, 65534, 65534))
	err := CheckConfigPerms(p)
	require.ErrorIs(t, err, ErrUnsafeConfig)
	require.ErrorContains(t, err, "the config "+p+" is owned by uid 65534, not root")
}

func TestCheckConfigPermsMissing(t *testing.T) {
	t.Parallel()
	err := CheckConfigPerms(filepath.Join(t.TempDir(), "none.yaml"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NotErrorIs(t, err, ErrUnsafeConfig)
}
