package desktop

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/rs/zerolog"
)

// xdgOpenPaths are where distributions install xdg-open (xdg-utils).
var xdgOpenPaths = []string{"/usr/bin/xdg-open", "/usr/local/bin/xdg-open", "/bin/xdg-open"}

func startReveal(log zerolog.Logger, path string) error {
	bin := ""
	for _, p := range xdgOpenPaths {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			bin = p
			break
		}
	}
	if bin == "" {
		return fmt.Errorf("showing the folder: xdg-open not found in %v", xdgOpenPaths)
	}
	return startDetached(log, exec.Command(bin, xdgOpenArgv(bin, path)[1:]...))
}
