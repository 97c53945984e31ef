package desktop

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"
	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// The freedesktop Notifications service, specification 1.2.
const (
	notifyName       = "org.freedesktop.Notifications"
	notifyPath       = dbus.ObjectPath("/org/freedesktop/Notifications")
	notifyIface      = "org.freedesktop.Notifications"
	signalAction     = notifyIface + ".ActionInvoked"
	signalClosed     = notifyIface + ".NotificationClosed"
	keepNotes        = 64 // notifications remembered for their actions
	appName          = "dataward"
	capActions       = "actions"
	capBodyMarkup    = "body-markup"
	expireSetByServe = notify.ExpireTimeoutSetByNotificationServer
)

// markupEscaper makes text safe in the body markup of the specification
// (a small subset of HTML: b, i, u, a, img).
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func newNotifier(log zerolog.Logger) (Notifier, error) {
	return newDBusNotifier(log, connectSession), nil
}

// connectSession opens a private connection to the user's session bus
// (fyne.io/systray closes the shared one when the tray quits). It never
// launches a bus of its own, as godbus would with dbus-launch: no
// notification server would listen on that one.
func connectSession() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

// dbusNotifier talks to the notification server on the session bus. It
// connects on first use and again after the bus or the server went away,
// so a helper started before the desktop is complete still works.
//
// It reads the signals itself rather than through notify.New: that one
// takes ActionInvoked from any sender on the bus and panics on a signal
// with the wrong arguments; ours takes them only from the server that
// showed the notification.
type dbusNotifier struct {
	log     zerolog.Logger
	connect func() (*dbus.Conn, error)

	mu     sync.Mutex
	conn   *dbus.Conn
	notes  map[uint32]note   // by the server's id
	byPath map[string]uint32 // the notification on screen for a file, to replace it
	order  []uint32          // ids oldest first, to forget old ones
}

type note struct {
	server   string // unique bus name of the server that showed it
	path     string
	onAction func(string)
}

func newDBusNotifier(log zerolog.Logger, connect func() (*dbus.Conn, error)) *dbusNotifier {
	return &dbusNotifier{log: log, connect: connect, notes: map[uint32]note{}, byPath: map[string]uint32{}}
}

func (d *dbusNotifier) Notify(ctx context.Context, n Notification) error {
	conn, err := d.ensureConn()
	if err != nil {
		return err
	}
	// godbus calls here take no context; the bus daemon answers every
	// call within its reply timeout (25 s by default), so waiting for
	// the answer in a goroutine returns on ctx without leaking for long.
	type result struct {
		id     uint32
		server string
		err    error
	}
	done := make(chan result, 1)
	routine.Go(d.log, "notify", func() {
		id, server, err := d.send(conn, n)
		done <- result{id, server, err}
	})
	var r result
	select {
	case <-ctx.Done():
		return ctx.Err()
	case r = <-done:
	}
	if r.err != nil {
		return r.err // a lost bus is reconnected by the next ensureConn
	}
	d.remember(r.id, note{server: r.server, path: n.Path, onAction: n.OnAction})
	return nil
}

// send asks the server to show n; it returns the notification's id and
// the server's unique bus name.
func (d *dbusNotifier) send(conn *dbus.Conn, n Notification) (uint32, string, error) {
	caps, err := notify.GetCapabilities(conn)
	if err != nil {
		return 0, "", fmt.Errorf("asking the notification server its capabilities: %w", err)
	}
	body := n.Body
	if slices.Contains(caps, capBodyMarkup) {
		// The body is markup to such a server: a file named
		// "<a href=…>" must show as text.
		body = markupEscaper.Replace(body)
	}
	note := notify.Notification{
		AppName:       appName,
		AppIcon:       "dialog-warning",
		Summary:       n.Title,
		Body:          body,
		ExpireTimeout: expireSetByServe,
	}
	if n.Urgent {
		note.SetUrgency(notify.UrgencyCritical)
		note.ExpireTimeout = notify.ExpireTimeoutNever
	} else {
		note.SetUrgency(notify.UrgencyNormal)
	}
	if slices.Contains(caps, capActions) {
		for _, a := range n.Actions {
			note.Actions = append(note.Actions, notify.Action{Key: a.Key, Label: a.Label})
		}
	}
	if n.Path != "" {
		d.mu.Lock()
		note.ReplacesID = d.byPath[n.Path]
		d.mu.Unlock()
	}
	id, err := notify.SendNotification(conn, note)
	if err != nil {
		return 0, "", fmt.Errorf("sending the notification: %w", err)
	}
	var server string
	if err := conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, notifyName).Store(&server); err != nil {
		return 0, "", fmt.Errorf("finding the notification server: %w", err)
	}
	return id, server, nil
}

func (d *dbusNotifier) ensureConn() (*dbus.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil && d.conn.Connected() {
		return d.conn, nil
	}
	conn, err := d.connect()
	if err != nil {
		return nil, fmt.Errorf("connecting to the session bus: %w", err)
	}
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(notifyPath), dbus.WithMatchInterface(notifyIface)); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("listening for notification signals: %w", err)
	}
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	routine.Go(d.log, "notification signals", func() { d.signals(ch) })
	d.conn = conn
	return conn, nil
}

// signals handles ActionInvoked and NotificationClosed until the
// connection closes (godbus then closes ch).
func (d *dbusNotifier) signals(ch <-chan *dbus.Signal) {
	for sig := range ch {
		if sig == nil || len(sig.Body) != 2 {
			continue
		}
		id, ok := sig.Body[0].(uint32)
		if !ok {
			continue
		}
		d.mu.Lock()
		n, known := d.notes[id]
		d.mu.Unlock()
		if !known || sig.Sender != n.server {
			continue
		}
		switch sig.Name {
		case signalAction:
			key, ok := sig.Body[1].(string)
			if !ok {
				continue
			}
			f := d.takeAction(id, sig.Sender)
			if f == nil {
				continue
			}
			d.log.Debug().Str("action", key).Uint32("notification", id).Msg("notification action")
			routine.Go(d.log, "notification action", func() { f(key) })
		case signalClosed:
			d.mu.Lock()
			if d.byPath[n.path] == id {
				delete(d.byPath, n.path)
			}
			d.mu.Unlock()
		}
	}
}

// takeAction returns the callback of notification id, shown by server,
// and forgets it: one notification, one choice, however many signals
// arrive. It returns nil when there is none (any more).
func (d *dbusNotifier) takeAction(id uint32, server string) func(string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.notes[id]
	if !ok || n.server != server {
		return nil
	}
	f := n.onAction
	n.onAction = nil
	d.notes[id] = n
	return f
}

func (d *dbusNotifier) remember(id uint32, n note) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.notes[id]; !ok {
		d.order = append(d.order, id)
	}
	d.notes[id] = n
	if n.path != "" {
		d.byPath[n.path] = id
	}
	for len(d.order) > keepNotes {
		old := d.order[0]
		d.order = d.order[1:]
		if p := d.notes[old].path; d.byPath[p] == old {
			delete(d.byPath, p)
		}
		delete(d.notes, old)
	}
}

func (d *dbusNotifier) Close() error {
	d.mu.Lock()
	conn := d.conn
	d.conn = nil
	d.mu.Unlock()
	if conn == nil {
		return nil
	}
	return conn.Close()
}
