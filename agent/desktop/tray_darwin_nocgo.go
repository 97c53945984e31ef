//go:build darwin && !cgo

package desktop

import (
	"context"

	"github.com/rs/zerolog"
)

// runTray shows no icon: fyne.io/systray draws the macOS menu-bar item
// through Cocoa, with cgo.
func runTray(ctx context.Context, log zerolog.Logger, h *helper) error {
	log.Warn().Msg("the tray icon needs a build with cgo: notifications only")
	return h.loop(ctx)
}
