//go:build linux

package agent_test

// The desktop end to end: the agent runs as root, `dataward tray` runs as an
// ordinary user (nobody) on that user's own D-Bus session bus, where a
// notification server records what the user is shown. Another user asks the
// agent about the first user's file, and hostile clients hang on the socket.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"dataward/agent/ipc"
)

const (
	userUID  = 65534 // nobody: the user whose Downloads are watched
	otherUID = 65533 // another user with no business there
)

// The test binary doubles as the notification server and as the other
// user's client, run under other uids through these variables.
func TestMain(m *testing.M) {
	switch os.Getenv("DATAWARD_TEST_ROLE") {
	case "notifyd":
		os.Exit(runNotifyd())
	case "other-user":
		os.Exit(runOtherUser())
	}
	os.Exit(m.Run())
}

// notifyd owns org.freedesktop.Notifications on the bus and writes each
// Notify call as a JSON line; it presses "keep" on every warning.
type notifyd struct {
	mu   sync.Mutex
	conn *dbus.Conn
	out  *os.File
	id   uint32
}

type shown struct {
	ID      uint32   `json:"id"`
	Summary string   `json:"summary"`
	Body    string   `json:"body"`
	Actions []string `json:"actions"`
}

func (n *notifyd) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.id++
	id := n.id
	b, _ := json.Marshal(shown{id, summary, body, actions})
	_, _ = n.out.Write(append(b, '\n'))
	if strings.Contains(summary, "will be deleted in") {
		for i := 0; i+1 < len(actions); i += 2 {
			if actions[i] == "keep" {
				time.AfterFunc(100*time.Millisecond, func() {
					_ = n.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.ActionInvoked", id, "keep")
				})
			}
		}
	}
	return id, nil
}

func (n *notifyd) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body", "persistence"}, nil
}

func (n *notifyd) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "recorder", "dataward tests", "1", "1.2", nil
}

func (n *notifyd) CloseNotification(uint32) *dbus.Error { return nil }

func runNotifyd() int {
	conn, err := dbus.Connect(os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		return 1
	}
	out, err := os.OpenFile(os.Getenv("DATAWARD_TEST_RECORD"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		return 1
	}
	n := &notifyd{conn: conn, out: out}
	if err := conn.Export(n, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		return 1
	}
	if reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		fmt.Fprintln(os.Stderr, "notifyd: name taken", err)
		return 1
	}
	_, _ = out.WriteString(`{"summary":"ready"}` + "\n")
	select {}
}

// runOtherUser prints what the agent tells another user, and what it says
// when that user tries to keep or delete the first user's file.
func runOtherUser() int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := ipc.Dial(ctx, os.Getenv("DATAWARD_TEST_SOCKET"))
	if err != nil {
		fmt.Println("dial:", err)
		return 1
	}
	defer c.Close()
	st, err := c.Status(ctx)
	fmt.Printf("pending=%d err=%v\n", len(st.Pending), err)
	_, err = c.Extend(ctx, os.Getenv("DATAWARD_TEST_PATH"))
	fmt.Printf("extend=%v\n", err)
	_, err = c.DeleteNow(ctx, os.Getenv("DATAWARD_TEST_PATH"))
	fmt.Printf("delete=%v\n", err)
	return 0
}

// asUser runs the command as uid, with its own process group.
func asUser(cmd *exec.Cmd, uid uint32) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}, Setpgid: true}
	return cmd
}

// copyExecutable puts a copy of path where other users may run it.
func copyExecutable(t *testing.T, dir, path string) string {
	t.Helper()
	src, err := os.Open(path)
	require.NoError(t, err)
	defer src.Close()
	dst := filepath.Join(dir, filepath.Base(path))
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(f, src)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return dst
}

func records(t *testing.T, path string) []shown {
	t.Helper()
	return jsonLines[shown](path)
}

func TestE2ETrayShowsAndKeepsOnlyTheUsersOwnFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the agent runs as root and the helpers as other users")
	}
	busBin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon not installed (apt-get install dbus-daemon): the tray test needs a real session bus")
	}
	bin := binary(t)

	// A world the test users can reach: / -> base (0755) -> their folders.
	base, err := os.MkdirTemp("", "dataward-tray-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o755))
	pub := filepath.Join(base, "pub")
	dl := filepath.Join(base, "Downloads")
	run := filepath.Join(base, "run")
	for _, d := range []string{pub, dl, run} {
		require.NoError(t, os.Mkdir(d, 0o755))
	}
	require.NoError(t, os.Chown(dl, userUID, userUID))
	require.NoError(t, os.Chown(run, userUID, userUID))
	require.NoError(t, os.Chmod(run, 0o700))
	dwBin := copyExecutable(t, pub, bin)
	testBin := copyExecutable(t, pub, os.Args[0])
	record := filepath.Join(run, "notifications.jsonl")

	// The user's session bus, and the notification server on it.
	busConf := filepath.Join(pub, "bus.conf")
	require.NoError(t, os.WriteFile(busConf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=`+filepath.Join(run, "bus")+`</listen>
<auth>EXTERNAL</auth><policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>
`), 0o644))
	busAddr := "unix:path=" + filepath.Join(run, "bus")
	start := func(cmd *exec.Cmd) *exec.Cmd {
		t.Helper()
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
		return cmd
	}
	start(asUser(exec.Command(busBin, "--config-file="+busConf, "--nofork", "--nopidfile"), userUID))
	userEnv := []string{"DBUS_SESSION_BUS_ADDRESS=" + busAddr, "XDG_RUNTIME_DIR=" + run, "HOME=" + run, "PATH=/usr/bin:/bin"}
	require.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(run, "bus")); return err == nil }, 10*time.Second, 20*time.Millisecond)
	nd := exec.Command(testBin)
	nd.Env = append(userEnv, "DATAWARD_TEST_ROLE=notifyd", "DATAWARD_TEST_RECORD="+record)
	ndErr := &syncBuffer{}
	nd.Stderr, nd.Stdout = ndErr, ndErr
	start(asUser(nd, userUID))
	require.Eventually(t, func() bool { return len(records(t, record)) > 0 }, 10*time.Second, 20*time.Millisecond,
		"notification server not up: %s", ndErr)

	// A loop device stands in for a USB stick holding an export.
	stick := newLoopStick(t, map[string][]byte{"Members.csv": members(25, "usb")})

	// The agent, as root.
	e := newEnv(t, "")
	e.dl = dl
	socket := filepath.Join(base, "dataward.sock")
	cfg := fmt.Sprintf(`version: 1
watch: {downloads: false, paths: [%q], volumes: true, settle: 200ms}
retention: {personal: 5s, warn_before: [3s], grace: 1s, extension: 4s, max_extensions: 1}
usb: {extra_devices: [%q]}
state_dir: %q
audit_log: %q
socket: %q
`, dl, stick.name, filepath.Join(e.dir, "state"), e.audit, socket)
	require.NoError(t, os.WriteFile(e.config, []byte(cfg), 0o644))
	e.start()

	// Hostile clients: one sends garbage, one connects and says nothing.
	for _, payload := range []string{"\x00\xff garbage {{{\n not json\n", ""} {
		c, err := net.Dial("unix", socket)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		_, _ = c.Write([]byte(payload))
	}

	// The user's tray helper.
	cfgUser := filepath.Join(pub, "user.yaml")
	require.NoError(t, os.WriteFile(cfgUser, []byte(fmt.Sprintf("version: 1\nsocket: %q\nretention: {extension: 4s}\n", socket)), 0o644))
	tray := exec.Command(dwBin, "tray", "--config", cfgUser)
	tray.Env = userEnv
	trayErr := &syncBuffer{}
	tray.Stderr = trayErr
	start(asUser(tray, userUID))
	require.Eventually(t, func() bool {
		return strings.Contains(trayErr.String(), "connected") || strings.Contains(trayErr.String(), "subscribed")
	},
		10*time.Second, 50*time.Millisecond, "tray did not connect: %s", trayErr.String())
	// A second helper in the same session steps aside.
	second := exec.Command(dwBin, "tray", "--config", cfgUser)
	second.Env = userEnv
	out, err := asUser(second, userUID).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "already running")

	// The user downloads an export.
	export := filepath.Join(dl, "Members.csv")
	writeFile(t, export, members(40, ""))
	require.NoError(t, os.Chown(export, userUID, userUID))
	flagged := e.waitFor("flagged", "Members.csv", 10*time.Second)
	require.Equal(t, "nobody", flagged["owner"])

	// Flag and warning notifications name the file and the time left.
	require.Eventually(t, func() bool {
		for _, s := range records(t, record) {
			if strings.Contains(s.Summary, "Members.csv will be deleted in") {
				return true
			}
		}
		return false
	}, 15*time.Second, 50*time.Millisecond, "no warning shown; tray said: %s", trayErr.String())
	var flagNote, warnNote *shown
	for _, s := range records(t, record) {
		switch {
		case flagNote == nil && strings.Contains(s.Body, "Members.csv"):
			flagNote = &s
		case warnNote == nil && strings.Contains(s.Summary, "Members.csv will be deleted in"):
			warnNote = &s
		}
	}
	require.NotNil(t, flagNote)
	require.Contains(t, flagNote.Body, "40 people")
	require.Contains(t, flagNote.Body, "deleted in")
	require.NotNil(t, warnNote)

	// Another user neither sees nor changes it.
	other := exec.Command(testBin)
	other.Env = []string{"DATAWARD_TEST_ROLE=other-user", "DATAWARD_TEST_SOCKET=" + socket, "DATAWARD_TEST_PATH=" + export}
	out, err = asUser(other, otherUID).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "pending=0 err=<nil>")
	require.Regexp(t, "extend=.*"+ipc.ErrNotFound.Error(), string(out))
	require.Regexp(t, "delete=.*"+ipc.ErrNotFound.Error(), string(out))

	// "Keep" was pressed on every warning; the policy allows one extension,
	// so the deadline moved exactly once and the file then went.
	deleted := e.waitFor("deleted", "Members.csv", 30*time.Second)
	require.Equal(t, 1, e.count("extended", "Members.csv"))
	extended := e.waitFor("extended", "Members.csv", time.Second)
	require.Equal(t, "nobody", extended["user"])
	took := eventTime(t, deleted).Sub(eventTime(t, flagged))
	require.GreaterOrEqual(t, took, 9*time.Second, "5 s + one 4 s extension")
	require.Less(t, took, 15*time.Second, "hostile clients on the socket held nothing up")
	require.NoFileExists(t, export)

	// The garbage and the silent client did not hold anything up, and the
	// agent still answers.
	st := exec.Command(dwBin, "status", "--json", "--config", e.config)
	out, err = st.Output()
	require.NoError(t, err, "%s", out)
	var status ipc.Status
	require.NoError(t, json.Unmarshal(out, &status))
	require.Contains(t, status.Watching, dl)

	// The stick is mounted: the user is told it is read-only, and that it
	// holds personal data.
	mnt := stick.mount(t, base)
	e.waitFor("usb_blocked", "", 5*time.Second)
	e.waitFor("personal_on_volume", "Members.csv", 10*time.Second)
	var usbNote, foundNote *shown
	require.Eventually(t, func() bool {
		for _, s := range records(t, record) {
			switch {
			case strings.Contains(s.Body, "USB storage is read-only on this PC: party policy"):
				usbNote = &s
			case strings.Contains(s.Summary, "Personal data found on USB storage"):
				foundNote = &s
			}
		}
		return usbNote != nil && foundNote != nil
	}, 10*time.Second, 50*time.Millisecond, "no USB notifications; tray said: %s", trayErr.String())
	require.Equal(t, "USB storage is read-only", usbNote.Summary)
	require.Contains(t, foundNote.Body, "1 file(s) on "+filepath.Base(mnt)+" hold personal data: Members.csv")
	e.stop()
	require.NoError(t, unix.Unmount(mnt, 0))
}
