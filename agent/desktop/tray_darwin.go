//go:build darwin && cgo

package desktop

import (
	"context"

	"github.com/rs/zerolog"
)

// trayTitle is empty: on macOS a title is text beside the menu-bar icon.
const trayTitle = ""

func trayIcon() []byte { return iconPNG() }

func runTray(ctx context.Context, log zerolog.Logger, h *helper) error {
	return runSystray(ctx, log, h)
}
