package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	files, err := Load(dir, now)
	require.NoError(t, err)
	require.Empty(t, files)

	want := []File{{Root: "/home/jane/Downloads", Rel: "sub/Members.csv", Owner: "jane", UID: 1000, Dev: 1, Ino: 2,
		Size: 3, ModTime: now, SHA256: "ab", Records: 35, Signals: []string{"name"}, FirstSeen: now,
		Warned: []time.Duration{time.Hour}, FirstWarned: now.Add(time.Minute)}}
	require.NoError(t, Save(dir, want))
	st, err := os.Stat(filepath.Join(dir, FileName))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	dst, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), dst.Mode().Perm())

	got, err := Load(dir, now)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, filepath.FromSlash("/home/jane/Downloads/sub/Members.csv"), got[0].Path())
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 1, "no temporary files left behind")
}

func TestCorruptStateIsSetAside(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"truncated":     `{"version":1,"files":[{"root":`,
		"wrong version": `{"version":9,"files":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600))
			now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
			files, err := Load(dir, now)
			require.True(t, errors.Is(err, ErrCorrupt), "%v", err)
			require.Empty(t, files)
			aside := filepath.Join(dir, FileName+".corrupt-20261204T090000Z")
			require.Contains(t, err.Error(), aside)
			kept, err := os.ReadFile(aside)
			require.NoError(t, err)
			require.Equal(t, content, string(kept), "the corrupt file is kept as it was")
			_, err = os.Stat(filepath.Join(dir, FileName))
			require.True(t, os.IsNotExist(err))
		})
	}
}
