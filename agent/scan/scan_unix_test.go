//go:build unix

package scan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dataward/policy/classify"
)

func members(n int) []byte {
	var b strings.Builder
	b.WriteString("Name,Email,Postcode\n")
	for i := range n {
		fmt.Fprintf(&b, "Jane Smith%c,jane%d@example.org,CF10 1EP\n", 'a'+i%26, i)
	}
	return []byte(b.String())
}

func testOptions() Options {
	o := Options{Classify: classify.DefaultOptions(), Timeout: 10 * time.Second}
	o.Classify.Now = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	return o
}

func TestWalk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside.csv")
	require.NoError(t, os.WriteFile(outside, members(40), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	for i := range 30 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", fmt.Sprintf("m%02d.csv", i)), members(20+i), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello\n"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "link.csv")))
	require.NoError(t, os.Symlink(filepath.Dir(outside), filepath.Join(dir, "linkdir")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))

	var got []Item
	Walk(t.Context(), []string{dir}, testOptions(), func(it Item) { got = append(got, it) })
	var paths []string
	for _, it := range got {
		paths = append(paths, strings.TrimPrefix(it.Path, dir+"/"))
	}
	want := []string{"fifo", "notes.txt"}
	for i := range 30 {
		want = append(want, fmt.Sprintf("sub/m%02d.csv", i))
	}
	require.Equal(t, want, paths, "walk order, links skipped, folders not followed")
	require.True(t, errors.Is(got[0].Err, ErrNotRegular), "a FIFO is reported, not read: %v", got[0].Err)
	require.Equal(t, classify.Clean, got[1].Result.Verdict)
	for i, it := range got[2:] {
		require.NoError(t, it.Err)
		require.Equal(t, classify.Personal, it.Result.Verdict)
		require.Equal(t, 20+i, it.Result.Records)
	}
}

func TestFileRefusesLinksAndFIFOs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "t.csv")
	require.NoError(t, os.WriteFile(target, members(40), 0o600))
	require.NoError(t, os.Symlink(target, filepath.Join(dir, "link.csv")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	for _, name := range []string{"link.csv", "fifo"} {
		_, err := File(t.Context(), filepath.Join(dir, name), testOptions())
		require.ErrorIs(t, err, ErrNotRegular, name)
	}
	res, err := File(t.Context(), target, testOptions())
	require.NoError(t, err)
	require.Equal(t, classify.Personal, res.Verdict)
}
