package desktop

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/agent/routine"
	"dataward/clock"
)

// statusNotifierWatcher stands in for the desktop's tray host: it owns
// org.kde.StatusNotifierWatcher and records who registers an icon.
type statusNotifierWatcher struct{ items chan string }

func (w statusNotifierWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.items <- string(sender)
	return nil
}

// menuNode is one com.canonical.dbusmenu item.
type menuNode struct {
	id       int32
	label    string
	visible  bool
	enabled  bool
	children []menuNode
}

func decodeMenu(id int32, props map[string]dbus.Variant, kids []dbus.Variant) menuNode {
	n := menuNode{id: id, visible: true, enabled: true}
	if v, ok := props["label"]; ok {
		n.label, _ = v.Value().(string)
	}
	if v, ok := props["visible"]; ok {
		n.visible, _ = v.Value().(bool)
	}
	if v, ok := props["enabled"]; ok {
		n.enabled, _ = v.Value().(bool)
	}
	for _, k := range kids {
		s, ok := k.Value().([]any)
		if !ok || len(s) != 3 {
			continue
		}
		cid, _ := s[0].(int32)
		cprops, _ := s[1].(map[string]dbus.Variant)
		ckids, _ := s[2].([]dbus.Variant)
		n.children = append(n.children, decodeMenu(cid, cprops, ckids))
	}
	return n
}

func (n menuNode) find(prefix string) (menuNode, bool) {
	for _, c := range n.children {
		if c.visible && strings.HasPrefix(c.label, prefix) {
			return c, true
		}
	}
	return menuNode{}, false
}

// trayOnce: fyne.io/systray runs once per process.
var trayOnce sync.Once

// TestTrayOverDBus runs the helper with its tray icon against a private
// session bus and reads the menu the way a tray host does.
func TestTrayOverDBus(t *testing.T) {
	ran := false
	trayOnce.Do(func() { ran = true })
	if !ran {
		t.Skip("fyne.io/systray runs once per process: run this test once (-count=1)")
	}
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr) // what fyne.io/systray connects to

	host := connectBus(t, addr)
	watcher := statusNotifierWatcher{items: make(chan string, 10)}
	require.NoError(t, host.Export(watcher, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"))
	reply, err := host.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	require.NoError(t, err)
	require.Equal(t, dbus.RequestNameReplyPrimaryOwner, reply)
	startNotificationServer(t, addr, "actions")

	members := pendingFile("Members.csv", now.Add(2*time.Hour+5*time.Minute))
	canvass := pendingFile("Canvass.xlsx", now.Add(48*time.Hour))
	canvass.ExtensionsLeft = 0
	log := zerolog.New(zerolog.NewTestWriter(t))
	dialer := &fakeDialer{agents: make(chan *fakeAgent, 10), status: ipc.Status{Pending: []ipc.Pending{canvass, members}}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	notes := newFakeNotifier()
	protected := make(chan string, 1)
	routine.Go(log, "helper", func() {
		done <- Run(ctx, Options{
			Endpoint: "test", Clock: clock.NewFake(now), Log: log, Dial: dialer.dial, Notifier: notes,
			Tray: true, Extension: 24 * time.Hour, Lock: filepath.Join(t.TempDir(), "tray.lock"),
			Protect: func(_ context.Context, path string) (string, Message, error) {
				protected <- path
				return "/nonexistent/Members.protected.xlsx", Message{Title: "Encrypted for sharing: Members.protected.xlsx",
					Body: "Password, for this file only: alpha-bravo"}, nil
			},
		})
	})
	a := dialer.next(t)

	var item string
	select {
	case item = <-watcher.items:
	case <-time.After(wait):
		t.Fatal("the tray icon was not registered with the watcher")
	}
	menuObj := host.Object(item, "/StatusNotifierItem/menu")
	var root menuNode
	require.Eventually(t, func() bool {
		var rev uint32
		var layout struct {
			ID       int32
			Props    map[string]dbus.Variant
			Children []dbus.Variant
		}
		if err := menuObj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			return false
		}
		root = decodeMenu(layout.ID, layout.Props, layout.Children)
		m, ok := root.find("Members.csv")
		return ok && len(m.children) == 4
	}, wait, 20*time.Millisecond)

	status, ok := root.find("dataward: 2 files to be deleted")
	require.True(t, ok, "status line in %+v", root)
	require.False(t, status.enabled, "the status line is not a button")
	require.Equal(t, "Members.csv — deleted in 2 h 5 min", root.children[2].label, "soonest first")
	require.Equal(t, "Canvass.xlsx — deleted in 2 d", root.children[3].label)
	m, _ := root.find("Members.csv")
	require.Equal(t, []string{"Delete now", "Keep for another 1 day", "Show in folder", "Encrypt a file for sharing…"},
		[]string{m.children[0].label, m.children[1].label, m.children[2].label, m.children[3].label})
	c, _ := root.find("Canvass.xlsx")
	require.False(t, c.children[1].visible, "no extension left: no keep item")

	var tip dbus.Variant
	require.NoError(t, host.Object(item, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", "ToolTip").Store(&tip))
	fields, ok := tip.Value().([]any)
	require.True(t, ok && len(fields) == 4, "ToolTip is (sa(iiay)ss): %v", tip)
	require.Equal(t, "dataward: 2 files to be deleted", fields[2])

	// The user picks "Keep for another 1 day", then "Delete now".
	click := func(id int32) {
		require.NoError(t, menuObj.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err)
	}
	click(m.children[1].id)
	a.expect(t, ipc.OpExtend, members.Path)
	click(m.children[0].id)
	a.expect(t, ipc.OpDeleteNow, members.Path)

	// "Encrypt a file for sharing…" protects the file and shows its
	// password in a notification that stays until dismissed.
	click(m.children[3].id)
	select {
	case p := <-protected:
		require.Equal(t, members.Path, p)
	case <-time.After(wait):
		t.Fatal("the file was not protected")
	}
	shown := notes.next(t)
	for shown.Title != "Encrypted for sharing: Members.protected.xlsx" {
		shown = notes.next(t) // the earlier choices' notifications come first
	}
	require.True(t, shown.Urgent)

	// The agent goes away: the menu says so.
	a.drop()
	require.Eventually(t, func() bool {
		var v dbus.Variant
		if err := menuObj.Call("com.canonical.dbusmenu.GetProperty", 0, status.id, "label").Store(&v); err != nil {
			return false
		}
		return v.Value() == "dataward agent not running"
	}, wait, 20*time.Millisecond)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(wait):
		t.Fatal("the helper did not stop")
	}
}

// TestTrayWithoutSessionBus: no bus, no icon, but the helper still runs
// and follows the agent.
func TestTrayWithoutSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	log := zerolog.New(zerolog.NewTestWriter(t))
	dialer := &fakeDialer{agents: make(chan *fakeAgent, 10)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	routine.Go(log, "helper", func() {
		done <- Run(ctx, Options{
			Endpoint: "test", Clock: clock.NewFake(now), Log: log, Dial: dialer.dial, Notifier: newFakeNotifier(),
			Tray: true, Lock: filepath.Join(t.TempDir(), "tray.lock"),
		})
	})
	dialer.next(t).expect(t, ipc.OpStatus, "")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(wait):
		t.Fatal("the helper did not stop")
	}
}
