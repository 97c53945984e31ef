package desktop

import (
	"context"

	"fyne.io/systray"
	"github.com/rs/zerolog"
)

// trayTitle names the StatusNotifierItem for tray hosts and screen readers.
const trayTitle = "dataward"

func trayIcon() []byte { return iconPNG() }

// runTray shows the icon as a StatusNotifierItem. Without a session bus
// there is no icon; without a StatusNotifierWatcher (stock GNOME Shell
// without the AppIndicator extension) fyne.io/systray registers the icon
// when a watcher appears, and notifications work meanwhile.
func runTray(ctx context.Context, log zerolog.Logger, h *helper) error {
	conn, err := connectSession()
	if err != nil {
		log.Warn().Err(err).Msg("no session bus: no tray icon")
		return h.loop(ctx)
	}
	var watcher bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&watcher)
	_ = conn.Close()
	if err != nil || !watcher {
		log.Info().Err(err).Msg("no status notifier watcher: notifications only until one appears")
	}
	// Not systray.Run: its onReady runs while the item is being exported,
	// and an icon or tooltip set in that window is lost. start exports
	// the item and returns; the menu is built after it.
	start, end := systray.RunWithExternalLoop(nil, nil)
	trayCall(log, start)
	v := &systrayView{log: log, act: h.act, protect: h.o.Protect != nil}
	trayCall(log, func() {
		v.build()
		h.attach(v)
	})
	defer trayCall(log, end)
	return h.loop(ctx)
}
