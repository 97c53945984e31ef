package desktop

import (
	"os/exec"

	"github.com/rs/zerolog"
)

const openPath = "/usr/bin/open"

func startReveal(log zerolog.Logger, path string) error {
	return startDetached(log, exec.Command(openPath, openRevealArgv(openPath, path)[1:]...))
}
