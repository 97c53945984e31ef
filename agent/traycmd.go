package agent

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/rs/zerolog"

	"dataward/agent/desktop"
	"dataward/agent/protect"
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
		Protect:   protectForTray,
	})
}

// protectForTray is the tray's "Encrypt a file for sharing…": the file is
// protected next to itself, and the message shows the one-time password
// with what to do, in the words `dataward protect` prints.
func protectForTray(ctx context.Context, path string) (string, desktop.Message, error) {
	res, err := protect.Protect(ctx, path, protect.Options{})
	if err != nil {
		return "", desktop.Message{}, err
	}
	return res.Path, sharedMessage(res), nil
}

func sharedMessage(res protect.Result) desktop.Message {
	name := filepath.Base(res.Path)
	opens := "Excel or LibreOffice"
	if res.Kind == protect.Archive {
		opens = "7-Zip (Windows) or Keka (Mac)"
	}
	return desktop.Message{
		Title: "Encrypted for sharing: " + name,
		Body: fmt.Sprintf("Password, for this file only (shown once, not saved anywhere):\n%s\n\n"+
			"Attach %s to your e-mail and say it opens with %s. Send the password by text message or phone, never by e-mail. "+
			"Ask the recipient to Download – Use – Delete. Your original is unchanged and is still deleted on time.",
			res.Passphrase, name, opens),
	}
}
