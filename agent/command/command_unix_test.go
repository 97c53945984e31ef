//go:build unix

package command

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fake writes a /bin/sh script into a temporary folder and returns a runner
// whose table maps name to it, after a path that does not exist (the table
// tries paths in order).
func fake(t *testing.T, name, script string) *Runner {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755))
	return &Runner{Programs: map[string][]string{name: {filepath.Join(dir, "missing", name), p}}}
}

func TestRunOutput(t *testing.T) {
	t.Parallel()
	r := fake(t, "fdesetup", `printf '%s|' "$@"; echo; echo "to stderr" >&2`)
	out, err := r.Run(t.Context(), "fdesetup", "status", "two words", "")
	require.NoError(t, err)
	require.Equal(t, "status|two words||\n", string(out), "arguments reach the program unchanged")
}

func TestRunFailure(t *testing.T) {
	t.Parallel()
	r := fake(t, "fdesetup", `echo "partial"; printf '\n  \nError: unable to read status\nsecond line\n' >&2; exit 3`)
	out, err := r.Run(t.Context(), "fdesetup", "status")
	require.EqualError(t, err, "fdesetup status: exit status 3: Error: unable to read status")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, 3, exit.ExitCode())
	require.Equal(t, "partial\n", string(out), "the output is returned with the error")

	r = fake(t, "zfs", `exit 1`)
	_, err = r.Run(t.Context(), "zfs", "get")
	require.EqualError(t, err, "zfs get: exit status 1")
}

func TestRunNotInstalled(t *testing.T) {
	t.Parallel()
	r := &Runner{Programs: map[string][]string{"zfs": {"/nonexistent/sbin/zfs", "/nonexistent/bin/zfs"}}}
	_, err := r.Run(t.Context(), "zfs", "get")
	require.ErrorIs(t, err, ErrNotInstalled)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.EqualError(t, err, "zfs get: not installed: file does not exist (looked for /nonexistent/sbin/zfs, /nonexistent/bin/zfs)")

	r = &Runner{Programs: map[string][]string{"dir": {t.TempDir()}}}
	_, err = r.Run(t.Context(), "dir")
	require.ErrorIs(t, err, ErrNotInstalled, "a folder is not a program")
}

func TestRunTimeout(t *testing.T) {
	t.Parallel()
	// The command leaves a child behind that holds standard output open: the
	// process group is killed whole, so the run still ends on time.
	r := fake(t, "lsblk", `sleep 30 & echo started; sleep 30`)
	r.Timeout = 200 * time.Millisecond
	start := time.Now()
	out, err := r.Run(t.Context(), "lsblk", "-J")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.EqualError(t, err, "lsblk -J: no answer in time: context deadline exceeded")
	require.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, "started\n", string(out))
}

func TestRunContextDeadlineWins(t *testing.T) {
	t.Parallel()
	r := fake(t, "lsblk", `sleep 30`)
	r.Timeout = time.Hour
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.Run(ctx, "lsblk")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestRunDefaultTimeout(t *testing.T) {
	t.Parallel()
	// A context without a deadline gets one: the script sees it as having to
	// finish; a zero Timeout means DefaultTimeout, which is long enough here.
	r := fake(t, "lsblk", `echo ok`)
	out, err := r.Run(context.Background(), "lsblk")
	require.NoError(t, err)
	require.Equal(t, "ok\n", string(out))
}

func TestRunCanceled(t *testing.T) {
	t.Parallel()
	r := fake(t, "diskutil", `sleep 30`)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := r.Run(ctx, "diskutil", "list")
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, context.DeadlineExceeded))
}

func TestRunOutputTooLarge(t *testing.T) {
	t.Parallel()
	// The command would write forever: the failed write closes the pipe and
	// it stops.
	r := fake(t, "lsblk", `while :; do echo 0123456789; done`)
	r.MaxOutput = 1000
	out, err := r.Run(t.Context(), "lsblk")
	require.ErrorIs(t, err, ErrOutputTooLarge)
	require.EqualError(t, err, "lsblk: output too large (more than 1000 bytes)")
	require.Len(t, out, 1000)

	r = fake(t, "lsblk", `printf '0123456789'`)
	r.MaxOutput = 10
	out, err = r.Run(t.Context(), "lsblk")
	require.NoError(t, err, "exactly the limit is allowed")
	require.Equal(t, "0123456789", string(out))
}

func TestRunEnvironment(t *testing.T) {
	t.Setenv("DATAWARD_SECRET", "leak")
	t.Setenv("LANG", "de_DE.UTF-8")
	r := fake(t, "zfs", `env | sort`)
	out, err := r.Run(t.Context(), "zfs")
	require.NoError(t, err)
	env := string(out)
	require.NotContains(t, env, "DATAWARD_SECRET")
	require.Contains(t, env, "LC_ALL=C\n")
	require.Contains(t, env, "LANG=C\n")
	require.True(t, strings.Contains(env, "PATH=/usr/bin:/bin:/usr/sbin:/sbin\n"))
}

func TestPath(t *testing.T) {
	t.Parallel()
	_, err := Path("rm")
	require.ErrorIs(t, err, ErrNotAllowed)
	for name, paths := range programs[runtime.GOOS] {
		p, err := Path(name)
		if errors.Is(err, ErrNotInstalled) {
			continue
		}
		require.NoError(t, err, name)
		require.Contains(t, paths, p, name)
	}
}
