package agent

import (
	"context"

	"github.com/rs/zerolog"

	"dataward/agent/desktop"
	"dataward/clock"
	"dataward/policy/config"
)

// Tray runs the per-user desktop helper until ctx ends: the tray icon and
// the notifications for the calling user's flagged files. It must be
// called on the program's main goroutine (the tray's event loop needs it).
func Tray(ctx context.Context, cfg config.Config, log zerolog.Logger) error {
	return desktop.Run(ctx, desktop.Options{
		Endpoint:  cfg.Socket,
		Clock:     clock.Real{},
		Log:       log,
		Tray:      true,
		Extension: cfg.Retention.Extension.D(),
	})
}
