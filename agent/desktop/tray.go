package desktop

// The tray icon. Each OS file defines
// runTray(ctx context.Context, log zerolog.Logger, h *helper) error, which
// runs h.loop until ctx ends and shows the tray icon meanwhile where it
// can: tray_linux.go (StatusNotifierItem on the session bus),
// tray_windows.go (the notification area), tray_darwin.go (the menu bar,
// cgo only), tray_darwin_nocgo.go and tray_other.go (notifications only).
// The OSes with an icon share tray_systray.go.
