package desktop

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

const (
	osascriptPath    = "/usr/bin/osascript"
	osascriptTimeout = 15 * time.Second
)

func newNotifier(log zerolog.Logger) (Notifier, error) {
	return &osascriptNotifier{log: log}, nil
}

// osascriptNotifier shows notifications with AppleScript's "display
// notification". They are attributed to Script Editor and take no
// actions: the tray menu offers those. UNUserNotificationCenter would need
// the helper to be a signed app bundle.
type osascriptNotifier struct {
	log zerolog.Logger
}

func (o *osascriptNotifier) Notify(ctx context.Context, n Notification) error {
	ctx, cancel := context.WithTimeout(ctx, osascriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, osascriptPath, "-e", notificationScript(n.Message))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return fmt.Errorf("osascript: %w: %s", err, line)
	}
	return nil
}

func (o *osascriptNotifier) Close() error { return nil }
