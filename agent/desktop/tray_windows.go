package desktop

import (
	"context"

	"github.com/rs/zerolog"
)

// trayTitle is empty: the notification area shows only the tooltip.
const trayTitle = ""

// trayIcon is an .ico: the notification area loads icons from files.
func trayIcon() []byte { return icoFromPNG(iconPNG(), iconSize) }

func runTray(ctx context.Context, log zerolog.Logger, h *helper) error {
	leaveOwnConsole(log)
	return runSystray(ctx, log, h)
}
