package downloads

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFindRootsExtra(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	a := filepath.Join(tmp, "a")
	require.NoError(t, os.MkdirAll(filepath.Join(a, "inner"), 0o755))
	if err := os.Symlink(a, filepath.Join(tmp, "link")); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	missing := filepath.Join(tmp, "missing")

	roots, err := FindRoots(System{}, FindOptions{Extra: []string{
		a, a + string(filepath.Separator), missing, "relative/folder",
		filepath.Join(tmp, "link"), filepath.Join(a, "inner"),
	}})
	require.ErrorIs(t, err, ErrSkipped)
	require.ErrorIs(t, err, errNotAbs)
	require.ErrorIs(t, err, errNotRealDir)
	require.ErrorContains(t, err, "already under root "+a)

	require.Len(t, roots, 2)
	require.Equal(t, a, roots[0].Path)
	require.Equal(t, SourceWatchPaths, roots[0].Source)
	require.NotEmpty(t, roots[0].User, "the owner of an existing folder is known")
	require.Equal(t, Root{Path: missing, UID: -1, Source: SourceWatchPaths}, roots[1])
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	sep := string(filepath.Separator)
	p := func(s string) string { return filepath.Join(sep, s) }
	tests := []struct {
		name string
		in   []Root
		want []string
		skip int
	}{
		{"disjoint", []Root{{Path: p("b")}, {Path: p("a")}}, []string{p("a"), p("b")}, 0},
		{"nested after a sibling that sorts between", []Root{{Path: p("a")}, {Path: p("a b")}, {Path: p("a/x")}}, []string{p("a"), p("a b")}, 1},
		{"same folder twice", []Root{{Path: p("a"), Source: SourceWatchPaths}, {Path: p("a"), Source: SourceDownloads}}, []string{p("a")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, skipped := dedupe(tt.in)
			var paths []string
			for _, r := range got {
				paths = append(paths, r.Path)
			}
			require.Equal(t, tt.want, paths)
			require.Len(t, skipped, tt.skip)
		})
	}
	got, _ := dedupe([]Root{{Path: p("a"), Source: SourceWatchPaths}, {Path: p("a"), Source: SourceDownloads}})
	require.Equal(t, SourceDownloads, got[0].Source, "a Downloads root knows its user")
}

func TestPickFolder(t *testing.T) {
	t.Parallel()
	bad := errors.New("bad")
	// The fake file system: which folders exist, and which are unsafe.
	check := func(state map[string]error) func(string) error {
		return func(d string) error {
			if err, ok := state[d]; ok {
				return err
			}
			return fs.ErrNotExist
		}
	}
	tests := []struct {
		name      string
		conf      string
		confErr   error
		state     map[string]error
		want      string
		wantSkips int
	}{
		{"configured and safe", "c", nil, map[string]error{"c": nil, "f": nil}, "c", 0},
		{"nothing configured", "", nil, map[string]error{"f": nil}, "f", 0},
		{"configured unsafe", "c", nil, map[string]error{"c": bad, "f": nil}, "f", 1},
		{"configuration unusable", "", bad, map[string]error{"f": nil}, "f", 1},
		{"configured missing, fallback exists", "c", nil, map[string]error{"f": nil}, "f", 0},
		{"both missing: the configured one, for later", "c", nil, nil, "c", 0},
		{"configured unsafe, fallback missing", "c", nil, map[string]error{"c": bad}, "f", 1},
		{"both unsafe", "c", nil, map[string]error{"c": bad, "f": bad}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, skipped := pickFolder(tt.conf, tt.confErr, "f", check(tt.state))
			require.Equal(t, tt.want, got)
			require.Len(t, skipped, tt.wantSkips)
		})
	}
}

func TestIgnored(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"report.csv", false},
		{".hidden-export.csv", false},
		{"report.csv.crdownload", true},
		{"Unconfirmed 123456.crdownload", true},
		{"report.csv.part", true},
		{"REPORT.CSV.PART", true},
		{"report.csv.download", true},
		{"~$report.docx", true},
		{"report~$.docx", false},
		{"partial.csv", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ignored(tt.name), tt.name)
	}
}

func TestLstatBeneath(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	outside := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "a", "b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "a", "b", "f"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "f"), nil, 0o644))
	if err := os.Symlink(outside, filepath.Join(tmp, "a", "link")); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	fi, err := lstatBeneath(tmp, filepath.Join("a", "b", "f"))
	require.NoError(t, err)
	require.True(t, fi.Mode().IsRegular())

	_, err = lstatBeneath(tmp, filepath.Join("a", "link", "f"))
	require.ErrorIs(t, err, errNotRealDir, "a link in the middle leads out")
	_, err = lstatBeneath(tmp, filepath.Join("..", filepath.Base(outside), "f"))
	require.ErrorIs(t, err, errOutside)
	_, err = lstatBeneath(tmp, filepath.Join("a", "nope", "f"))
	require.ErrorIs(t, err, fs.ErrNotExist)
}
