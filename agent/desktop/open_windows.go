package desktop

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/rs/zerolog"
)

func startReveal(log zerolog.Logger, path string) error {
	root := os.Getenv("SystemRoot")
	if root == "" || !filepath.IsAbs(root) {
		root = `C:\Windows`
	}
	explorer := filepath.Join(root, "explorer.exe")
	line, err := explorerCmdLine(explorer, path)
	if err != nil {
		return err
	}
	cmd := exec.Command(explorer)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
	// explorer.exe exits 1 even when it opened the folder; startDetached
	// only logs the exit status.
	return startDetached(log, cmd)
}
