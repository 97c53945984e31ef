// Package command runs the few external programs dataward relies on, and
// only those. Each is known by a short name ("fdesetup", "manage-bde") that
// maps to absolute paths for the OS, so no PATH the agent inherits can put
// another program in its place (kolide/launcher's allowed-command list).
//
// Every run has a deadline, keeps at most a bounded amount of standard
// output, runs with a small fixed environment where the OS allows, and fails
// with an error that names the command, its exit status and the first line
// it wrote to standard error, for example
//
//	fdesetup status: exit status 1: Error: ...
package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Every OS file defines:
//
//	resolve(path string) string
//		turns a table entry into the path to run (Windows expands %SystemRoot%).
//	environ() []string
//		the environment every command runs with.
//	prepare(cmd *exec.Cmd)
//		sets what the OS needs before the start: on Unix a process group of
//		its own, killed whole on timeout, so that a child the command started
//		cannot keep it alive.

const (
	// DefaultTimeout bounds a run whose context has no deadline.
	DefaultTimeout = 15 * time.Second
	// DefaultMaxOutput is the most standard output a run keeps.
	DefaultMaxOutput = 4 << 20

	// maxStderr is the most standard error kept; only its first line is used.
	maxStderr = 64 << 10
	// waitDelay is how long Wait waits for the output pipes once the process
	// has exited or been killed: a grandchild may still hold them open.
	waitDelay = 2 * time.Second
)

var (
	// ErrNotAllowed is returned for a name that is not in the table.
	ErrNotAllowed = errors.New("not an allowed command")
	// ErrNotInstalled is returned when none of a name's paths exists. It wraps
	// fs.ErrNotExist.
	ErrNotInstalled = fmt.Errorf("not installed: %w", fs.ErrNotExist)
	// ErrOutputTooLarge is returned when a command writes more than the limit.
	ErrOutputTooLarge = errors.New("output too large")
)

// programs is every OS's table: name → absolute paths to try in order (the
// first that exists is run; Linux distributions differ on /usr/sbin and
// /sbin). Windows paths start with %SystemRoot%, the Windows folder. Add a
// program here, with its path on every OS that has it, before running it.
var programs = map[string]map[string][]string{
	"linux": {
		"blockdev":   {"/usr/sbin/blockdev", "/sbin/blockdev"},
		"cryptsetup": {"/usr/sbin/cryptsetup", "/sbin/cryptsetup"},
		"loginctl":   {"/usr/bin/loginctl", "/bin/loginctl"},
		"lsblk":      {"/usr/bin/lsblk", "/bin/lsblk"},
		"udevadm":    {"/usr/bin/udevadm", "/bin/udevadm", "/sbin/udevadm"},
		"zfs":        {"/usr/sbin/zfs", "/sbin/zfs", "/usr/bin/zfs"},
		"zpool":      {"/usr/sbin/zpool", "/sbin/zpool", "/usr/bin/zpool"},
	},
	"darwin": {
		"diskutil":  {"/usr/sbin/diskutil"},
		"fdesetup":  {"/usr/bin/fdesetup"},
		"ioreg":     {"/usr/sbin/ioreg"},
		"launchctl": {"/bin/launchctl"},
	},
	"windows": {
		"manage-bde": {`%SystemRoot%\System32\manage-bde.exe`},
		"pnputil":    {`%SystemRoot%\System32\pnputil.exe`},
		"powershell": {`%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe`},
	},
}

// Runner runs the commands of its table. The zero value allows nothing.
type Runner struct {
	// Programs maps a name to the absolute paths to try, in order.
	Programs map[string][]string
	// Timeout bounds a run whose context has no deadline; DefaultTimeout
	// when zero.
	Timeout time.Duration
	// MaxOutput is the most standard output kept; DefaultMaxOutput when zero.
	MaxOutput int
}

// defaultRunner runs this OS's table.
var defaultRunner = &Runner{Programs: programs[runtime.GOOS]}

// Path returns the absolute path of the program that name stands for on
// this OS, for a caller that must name it rather than run it (a udev rule's
// RUN). Its error wraps ErrNotAllowed or ErrNotInstalled.
func Path(name string) (string, error) {
	paths, ok := defaultRunner.Programs[name]
	if !ok {
		return "", fmt.Errorf("%s: %w", name, ErrNotAllowed)
	}
	p, err := find(paths)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Run runs the program that name stands for on this OS with args, and
// returns its standard output. See Runner.Run.
func Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	return defaultRunner.Run(ctx, name, args...)
}

// Run runs the program that name stands for with args and returns its
// standard output. When ctx has no deadline the run is bounded by r.Timeout.
// If the command fails, the output it wrote is returned with the error, so
// that a caller can read a command that reports through its exit status.
// Errors wrap *exec.ExitError, context.DeadlineExceeded or context.Canceled,
// ErrNotAllowed, ErrNotInstalled or ErrOutputTooLarge.
func (r *Runner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	label := describe(name, args)
	paths, ok := r.Programs[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", label, ErrNotAllowed)
	}
	path, err := find(paths)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}

	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	limit := r.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}

	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = environ()
	stdout := &capped{max: limit, fail: true}
	stderr := &capped{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = waitDelay
	prepare(cmd)

	err = cmd.Run()
	out := stdout.buf.Bytes()
	switch {
	case err == nil:
		return out, nil
	case ctx.Err() != nil:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return out, fmt.Errorf("%s: no answer in time: %w", label, ctx.Err())
		}
		return out, fmt.Errorf("%s: %w", label, ctx.Err())
	case stdout.over:
		return out, fmt.Errorf("%s: %w (more than %d bytes)", label, ErrOutputTooLarge, limit)
	}
	if line := firstLine(stderr.buf.Bytes()); line != "" {
		return out, fmt.Errorf("%s: %w: %s", label, err, line)
	}
	return out, fmt.Errorf("%s: %w", label, err)
}

// find returns the first of paths that is an existing file.
func find(paths []string) (string, error) {
	for _, p := range paths {
		p = resolve(p)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (looked for %s)", ErrNotInstalled, strings.Join(paths, ", "))
}

// describe names a run in errors: the name and its short arguments. A long
// argument (a script, an encoded command) is shown as "…".
func describe(name string, args []string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, a := range args {
		b.WriteByte(' ')
		if len(a) > 32 || strings.ContainsAny(a, "\r\n") {
			b.WriteString("…")
			continue
		}
		b.WriteString(a)
	}
	return b.String()
}

// firstLine returns the first non-blank line of b, trimmed and cut to a
// length fit for one line of an error.
func firstLine(b []byte) string {
	for line := range bytes.Lines(b) {
		s := strings.TrimSpace(string(line))
		if s == "" {
			continue
		}
		if r := []rune(s); len(r) > 200 {
			s = string(r[:200]) + "…"
		}
		return s
	}
	return ""
}

// capped keeps the first max bytes written to it. Past that it either fails
// the write (fail: the command's output is unusable, and the failed write
// closes the pipe so the command stops) or drops the rest quietly.
type capped struct {
	buf  bytes.Buffer
	max  int
	fail bool
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) <= room {
		return c.buf.Write(p)
	}
	c.over = true
	c.buf.Write(p[:max(room, 0)])
	if c.fail {
		return 0, ErrOutputTooLarge
	}
	return len(p), nil
}
