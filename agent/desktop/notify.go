package desktop

import (
	"context"

	"github.com/rs/zerolog"
)

// Notifier shows desktop notifications in the user's session.
//
// Each OS file defines newNotifier(log zerolog.Logger) (Notifier, error):
// notify_linux.go (org.freedesktop.Notifications on the session bus),
// notify_windows.go (a toast through PowerShell), notify_darwin.go
// (osascript), notify_other.go (an error wrapping errors.ErrUnsupported).
type Notifier interface {
	// Notify shows n and returns once the OS's notification service
	// accepted it: that is what the agent counts as "shown".
	Notify(ctx context.Context, n Notification) error
	Close() error
}

// Notification is one notification and the actions it offers.
type Notification struct {
	Message
	// Path is the file the notification is about; empty for posture.
	Path string
	// Actions are offered as buttons where the OS can call back (Linux
	// servers with the "actions" capability); elsewhere they are dropped
	// and the tray menu offers them.
	Actions []Action
	// Urgent asks the server to keep it on screen until dismissed.
	Urgent bool
	// OnAction is called, in its own goroutine, with the Key of the
	// action the user chose.
	OnAction func(key string)
}

// Action is a button on a notification.
type Action struct {
	Key   string
	Label string
}

// Action keys, shared by notifications and the tray menu.
const (
	ActionKeep   = "keep"
	ActionDelete = "delete"
	ActionShow   = "show"
	// ActionProtect encrypts the file for sharing (tray menu only).
	ActionProtect = "protect"
)

// NewNotifier returns this OS's notifier.
func NewNotifier(log zerolog.Logger) (Notifier, error) {
	return newNotifier(log)
}
