package desktop

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// ErrNotAbsolute reports a path that cannot be shown: only the agent's
// absolute paths are, so no path can be read as a program's option.
var ErrNotAbsolute = errors.New("not an absolute path")

// showInFolder opens the file manager on path's folder, with the file
// selected where the OS can. Each OS file defines
// startReveal(log zerolog.Logger, path string) error, which starts the
// OS's opener with a fixed argv (never through a shell): xdg-open on
// Linux, open -R on macOS, explorer /select, on Windows.
//
// The opener is started and not waited for under a timeout: xdg-open may
// exec the file manager itself, and killing it would close the window the
// user asked for. It is reaped in the background.
func showInFolder(log zerolog.Logger, path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("showing %q: %w", path, ErrNotAbsolute)
	}
	return startReveal(log, filepath.Clean(path))
}

// xdgOpenArgv opens path's folder with xdg-open: the freedesktop opener
// cannot select a file.
func xdgOpenArgv(xdgOpen, path string) []string {
	return []string{xdgOpen, filepath.Dir(path)}
}

// openRevealArgv selects path in the Finder (open -R).
func openRevealArgv(open, path string) []string {
	return []string{open, "-R", path}
}

// explorerCmdLine is the command line for explorer.exe to open path's
// folder with the file selected. Explorer parses its own command line and
// wants /select,"C:\a b\c.csv" with the quotes after the comma, which Go's
// argv quoting ("/select,C:\a b\c.csv" quoted whole) does not give, so the
// line is built here. A Windows file name cannot hold a double quote.
func explorerCmdLine(explorer, path string) (string, error) {
	if strings.ContainsAny(path, "\"\x00\r\n") {
		return "", fmt.Errorf("showing %q: a path with a quote or line break", path)
	}
	return `"` + explorer + `" /select,"` + path + `"`, nil
}

// startDetached starts cmd and reaps it in the background.
func startDetached(log zerolog.Logger, cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", filepath.Base(cmd.Path), err)
	}
	routine.Go(log, "reap opener", func() {
		if err := cmd.Wait(); err != nil {
			log.Debug().Err(err).Str("command", filepath.Base(cmd.Path)).Msg("opener exited")
		}
	})
	return nil
}
