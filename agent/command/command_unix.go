//go:build unix

package command

import (
	"os/exec"
	"syscall"
)

func resolve(path string) string { return path }

// environ is fixed so that output is in the C locale, which the parsers
// expect, and so that nothing in the agent's environment (LD_PRELOAD,
// DYLD_*) reaches a command running as root.
func environ() []string {
	return []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", "LANG=C"}
}

// prepare gives the command a process group of its own, and kills the whole
// group when the context ends: killing only the command would leave a child
// it started holding the output pipe.
func prepare(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
