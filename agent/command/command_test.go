package command

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTables checks every OS's table, not only this one's: each name has at
// least one path and every path is absolute for its OS.
func TestTables(t *testing.T) {
	t.Parallel()
	for goos, table := range programs {
		require.NotEmpty(t, table, goos)
		for name, paths := range table {
			require.NotEmpty(t, paths, "%s %s", goos, name)
			for _, p := range paths {
				if goos == "windows" {
					require.True(t, strings.HasPrefix(p, `%SystemRoot%\`), "%s %s: %s", goos, name, p)
					require.True(t, strings.HasSuffix(p, ".exe"), "%s %s: %s", goos, name, p)
					continue
				}
				require.True(t, strings.HasPrefix(p, "/"), "%s %s: %s", goos, name, p)
			}
		}
	}
	for goos, names := range map[string][]string{
		"linux":   {"zfs", "lsblk", "blockdev", "loginctl"},
		"darwin":  {"fdesetup", "diskutil"},
		"windows": {"powershell", "manage-bde"},
	} {
		for _, n := range names {
			require.Contains(t, programs[goos], n, goos)
		}
	}
}

func TestNotAllowed(t *testing.T) {
	t.Parallel()
	_, err := Run(t.Context(), "rm", "-rf", "/")
	require.ErrorIs(t, err, ErrNotAllowed)
	require.EqualError(t, err, "rm -rf /: not an allowed command")
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	require.Equal(t, "fdesetup status", describe("fdesetup", []string{"status"}))
	require.Equal(t, "powershell -NoProfile -EncodedCommand …",
		describe("powershell", []string{"-NoProfile", "-EncodedCommand", strings.Repeat("QQ", 40)}))
	require.Equal(t, "sh -c …", describe("sh", []string{"-c", "a\nb"}))
}

func TestFirstLine(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Error: denied", firstLine([]byte("\n  \r\n  Error: denied  \r\nmore\n")))
	require.Empty(t, firstLine(nil))
	require.Len(t, []rune(firstLine([]byte(strings.Repeat("é", 500)))), 201)
}

func TestCapped(t *testing.T) {
	t.Parallel()
	c := &capped{max: 5}
	n, err := c.Write([]byte("abc"))
	require.NoError(t, err)
	require.Equal(t, 3, n)
	n, err = c.Write([]byte("defg"))
	require.NoError(t, err, "quiet mode drops the excess")
	require.Equal(t, 4, n)
	require.Equal(t, "abcde", c.buf.String())
	require.True(t, c.over)

	f := &capped{max: 2, fail: true}
	_, err = f.Write([]byte("abc"))
	require.True(t, errors.Is(err, ErrOutputTooLarge))
	require.Equal(t, "ab", f.buf.String())
}

func TestCanceledBeforeStart(t *testing.T) {
	t.Parallel()
	r := &Runner{Programs: map[string][]string{"self": {"/proc/self/exe"}}}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := r.Run(ctx, "self")
	if errors.Is(err, ErrNotInstalled) {
		t.Skip("no /proc/self/exe on this OS")
	}
	require.ErrorIs(t, err, context.Canceled)
}
