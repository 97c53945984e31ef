//go:build !linux && !windows && !darwin

package desktop

import (
	"context"

	"github.com/rs/zerolog"
)

func runTray(ctx context.Context, log zerolog.Logger, h *helper) error {
	log.Warn().Msg("no tray icon on this system: notifications only")
	return h.loop(ctx)
}
