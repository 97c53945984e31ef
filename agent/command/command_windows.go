package command

import (
	"os"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// resolve expands a leading %SystemRoot% to the Windows folder as the system
// reports it (GetSystemWindowsDirectory), not as an environment variable
// says.
func resolve(path string) string {
	const prefix = `%SystemRoot%`
	if !strings.HasPrefix(path, prefix) {
		return path
	}
	dir, err := windows.GetSystemWindowsDirectory()
	if err != nil || dir == "" {
		dir = `C:\Windows`
	}
	return dir + path[len(prefix):]
}

// environ is the agent's own: Windows programs need SystemRoot, windir,
// ProgramData and the like, and a service's environment comes from the
// service manager.
func environ() []string { return os.Environ() }

// prepare keeps a console program from opening a window.
func prepare(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}
