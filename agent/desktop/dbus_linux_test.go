package desktop

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
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

// startBus runs a private dbus-daemon for the test and returns its
// address. The test skips, saying why, where there is no dbus-daemon.
func startBus(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon not installed (apt-get install dbus): the D-Bus tests need a real bus")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	require.NoError(t, os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600))
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile", "--print-address")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("dbus-daemon said: %s", stderr.String())
		}
	})
	addr := make(chan string, 1)
	routine.Go(zerolog.Nop(), "bus address", func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		addr <- strings.TrimSpace(line)
	})
	select {
	case a := <-addr:
		require.NotEmpty(t, a, "dbus-daemon printed no address")
		return a
	case <-time.After(wait):
		t.Fatal("dbus-daemon did not start")
		return ""
	}
}

func connectBus(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// notifyCall is one Notify the test server received.
type notifyCall struct {
	id       uint32
	replaces uint32
	app      string
	summary  string
	body     string
	actions  []string
	urgency  byte
	timeout  int32
}

// notificationServer owns org.freedesktop.Notifications on a bus and
// records every Notify, as a desktop's notification daemon would.
type notificationServer struct {
	conn  *dbus.Conn
	caps  []string
	calls chan notifyCall

	mu   sync.Mutex
	last uint32
}

func startNotificationServer(t *testing.T, addr string, caps ...string) *notificationServer {
	t.Helper()
	s := &notificationServer{conn: connectBus(t, addr), caps: caps, calls: make(chan notifyCall, 100)}
	require.NoError(t, s.conn.Export(notifyServerMethods{s}, notifyPath, notifyIface))
	reply, err := s.conn.RequestName(notifyName, dbus.NameFlagDoNotQueue)
	require.NoError(t, err)
	require.Equal(t, dbus.RequestNameReplyPrimaryOwner, reply)
	return s
}

// notifyServerMethods are the exported D-Bus methods, apart from the
// test's own.
type notifyServerMethods struct{ s *notificationServer }

func (m notifyServerMethods) Notify(app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32,
) (uint32, *dbus.Error) {
	s := m.s
	s.mu.Lock()
	id := replaces
	if id == 0 {
		s.last++
		id = s.last
	}
	s.mu.Unlock()
	var urgency byte
	if v, ok := hints["urgency"]; ok {
		urgency, _ = v.Value().(byte)
	}
	s.calls <- notifyCall{id: id, replaces: replaces, app: app, summary: summary, body: body,
		actions: actions, urgency: urgency, timeout: timeout}
	return id, nil
}

func (m notifyServerMethods) GetCapabilities() ([]string, *dbus.Error) { return m.s.caps, nil }

func (m notifyServerMethods) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "test", "dataward", "1", "1.2", nil
}

func (m notifyServerMethods) CloseNotification(id uint32) *dbus.Error {
	_ = m.s.conn.Emit(notifyPath, signalClosed, id, uint32(3))
	return nil
}

func (s *notificationServer) next(t *testing.T) notifyCall {
	t.Helper()
	select {
	case c := <-s.calls:
		return c
	case <-time.After(wait):
		t.Fatal("no Notify call")
		return notifyCall{}
	}
}

// invoke is the user pressing a notification's button.
func (s *notificationServer) invoke(t *testing.T, id uint32, key string) {
	t.Helper()
	require.NoError(t, s.conn.Emit(notifyPath, signalAction, id, key))
}

// runOnBus runs the helper with the Linux notifier on the bus at addr and
// a fake agent.
func runOnBus(t *testing.T, addr string, st ipc.Status) (*fakeAgent, *clock.Fake) {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t))
	c := clock.NewFake(now)
	dialer := &fakeDialer{agents: make(chan *fakeAgent, 10), status: st}
	notifier := newDBusNotifier(log, func() (*dbus.Conn, error) { return dbus.Connect(addr) })
	t.Cleanup(func() { _ = notifier.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	routine.Go(log, "helper", func() {
		done <- Run(ctx, Options{
			Endpoint: "test", Clock: c, Log: log, Dial: dialer.dial, Notifier: notifier,
			Extension: 24 * time.Hour, Lock: filepath.Join(t.TempDir(), "tray.lock"),
		})
	})
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(wait):
			t.Error("the helper did not stop")
		}
	})
	a := dialer.next(t)
	a.expect(t, ipc.OpStatus, "")
	return a, c
}

func TestDBusNotificationsAndActions(t *testing.T) {
	t.Parallel()
	addr := startBus(t)
	server := startNotificationServer(t, addr, "actions", "body", "body-markup")
	file := pendingFile("Tom & Jerry <b>.csv", now.Add(72*time.Hour))
	a, _ := runOnBus(t, addr, ipc.Status{Pending: []ipc.Pending{file}})

	// Flagged: a notification that names the file and the time left, and
	// Shown once the server gave it an id.
	a.send(t, ipc.Notice{Notice: 7, Kind: ipc.NoticeFlagged, File: &file})
	flagged := server.next(t)
	require.Equal(t, "dataward", flagged.app)
	require.Equal(t, "Personal data in your Downloads", flagged.summary)
	require.Equal(t, "Personal data found: Tom &amp; Jerry &lt;b&gt;.csv — 35 people. It will be deleted in 3 days (Fri 7 Dec 09:00) under the party's Download – Use – Delete policy.",
		flagged.body, "the body is markup to this server: the name must be escaped")
	require.Equal(t, []string{"keep", "Keep for another 1 day", "delete", "Delete now", "show", "Show in folder"}, flagged.actions)
	require.Equal(t, byte(1), flagged.urgency)
	require.Equal(t, call{op: ipc.OpShown, notice: 7, path: file.Path}, a.expect(t, ipc.OpShown, ""))

	// A warning replaces it and stays until dismissed.
	warned := file
	warned.Deadline, warned.DeleteAt = now.Add(time.Hour), now.Add(time.Hour)
	a.send(t, ipc.Notice{Notice: 8, Kind: ipc.NoticeWarning, File: &warned, Lead: time.Hour})
	warning := server.next(t)
	require.Equal(t, "Tom & Jerry <b>.csv will be deleted in 1 hour", warning.summary, "the summary is plain text")
	require.Equal(t, flagged.id, warning.replaces)
	require.Equal(t, byte(2), warning.urgency)
	require.Equal(t, int32(0), warning.timeout)
	require.Equal(t, call{op: ipc.OpShown, notice: 8, path: file.Path}, a.expect(t, ipc.OpShown, ""))

	// Another program on the bus cannot press the buttons.
	other := connectBus(t, addr)
	require.NoError(t, other.Emit(notifyPath, signalAction, warning.id, "delete"))
	// Nor can the server crash the helper with a malformed signal.
	require.NoError(t, server.conn.Emit(notifyPath, signalAction, "not an id", 7))
	require.NoError(t, server.conn.Emit(notifyPath, signalAction, warning.id))
	a.refuse(t, ipc.OpDeleteNow)

	// "keep": Extend, then a confirmation in its place.
	server.invoke(t, warning.id, ActionKeep)
	a.expect(t, ipc.OpExtend, file.Path)
	kept := server.next(t)
	require.Equal(t, "Tom &amp; Jerry &lt;b&gt;.csv will now be deleted in 4 days (Sat 8 Dec 09:00).", kept.body)
	require.Empty(t, kept.actions)

	// The confirmation took the warning's place and has no buttons: a
	// late press of the old ones does nothing.
	server.invoke(t, warning.id, ActionDelete)
	a.refuse(t, ipc.OpDeleteNow)

	// "delete" on the next warning: DeleteNow.
	a.send(t, ipc.Notice{Notice: 9, Kind: ipc.NoticeWarning, File: &warned, Lead: 10 * time.Minute})
	last := server.next(t)
	a.expect(t, ipc.OpShown, file.Path)
	server.invoke(t, last.id, ActionDelete)
	a.expect(t, ipc.OpDeleteNow, file.Path)
}

func TestDBusServerWithoutActionsOrMarkup(t *testing.T) {
	t.Parallel()
	addr := startBus(t)
	server := startNotificationServer(t, addr, "body")
	file := pendingFile("Tom & Jerry.csv", now.Add(10*time.Minute))
	file.DeleteAt = file.Deadline
	a, _ := runOnBus(t, addr, ipc.Status{Pending: []ipc.Pending{file}})
	a.send(t, ipc.Notice{Notice: 1, Kind: ipc.NoticeWarning, File: &file})
	c := server.next(t)
	require.Empty(t, c.actions, "the server cannot show buttons")
	require.Equal(t, "Tom & Jerry.csv will be deleted in 10 minutes (Tue 4 Dec 09:10) under the party's Download – Use – Delete policy.", c.body)
	a.expect(t, ipc.OpShown, file.Path)
}

func TestDBusNoServerYet(t *testing.T) {
	t.Parallel()
	addr := startBus(t)
	file := pendingFile("Members.csv", now.Add(time.Hour))
	a, c := runOnBus(t, addr, ipc.Status{Pending: []ipc.Pending{file}})

	// Nobody owns org.freedesktop.Notifications: not shown, not reported.
	a.send(t, ipc.Notice{Notice: 4, Kind: ipc.NoticeWarning, File: &file})
	a.expect(t, ipc.OpStatus, "")
	a.refuse(t, ipc.OpShown)

	// The desktop's notification daemon starts; the next minute's retry
	// shows the warning and reports it.
	server := startNotificationServer(t, addr, "actions")
	c.Advance(time.Minute)
	require.Equal(t, "Members.csv will be deleted in 59 minutes", server.next(t).summary)
	require.Equal(t, call{op: ipc.OpShown, notice: 4, path: file.Path}, a.expect(t, ipc.OpShown, ""))
}
