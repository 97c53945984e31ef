//go:build linux || darwin

package ipc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestListenReplacesStaleSocket(t *testing.T) {
	t.Parallel()
	ep := testEndpoint(t)
	ln, err := net.Listen("unix", ep)
	require.NoError(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	require.NoError(t, ln.Close()) // an agent that died: its socket file stays
	_, err = Dial(t.Context(), ep)
	require.ErrorIs(t, err, ErrNotRunning)

	startServerAt(t, &fakeHandler{}, defaultLimits, ep)
	_, err = dialTest(t, ep).Status(t.Context())
	require.NoError(t, err)
	fi, err := os.Stat(ep)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o666), fi.Mode().Perm(), "every user may connect")
}

func TestListenDoesNotHijackLiveServer(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	_, ep := startServer(t, h, defaultLimits)
	_, err := Listen(ep, &fakeHandler{}, testLog(t))
	require.ErrorIs(t, err, ErrInUse)
	_, err = dialTest(t, ep).Status(t.Context())
	require.NoError(t, err)
	require.Len(t, h.seen(), 1, "the first server still answers")
}

func TestListenRefusesNonSocket(t *testing.T) {
	t.Parallel()
	ep := testEndpoint(t)
	require.NoError(t, os.WriteFile(ep, []byte("precious"), 0o600))
	_, err := Listen(ep, &fakeHandler{}, testLog(t))
	require.ErrorContains(t, err, "not a socket")
	b, err := os.ReadFile(ep)
	require.NoError(t, err)
	require.Equal(t, "precious", string(b))
}

func TestListenSocketFolder(t *testing.T) {
	t.Parallel()
	t.Run("created readable by all", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "run", "dataward")
		startServerAt(t, &fakeHandler{}, defaultLimits, filepath.Join(dir, "agent.sock"))
		fi, err := os.Stat(dir)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
	})
	t.Run("writable by all refused", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		require.NoError(t, os.Chmod(dir, 0o777))
		_, err := Listen(filepath.Join(dir, "agent.sock"), &fakeHandler{}, testLog(t))
		require.ErrorContains(t, err, "writable by every user")
	})
	t.Run("owned by another user refused", func(t *testing.T) {
		t.Parallel()
		if os.Geteuid() != 0 {
			t.Skip("needs root: gives the folder to uid 65534")
		}
		dir := t.TempDir()
		require.NoError(t, os.Chown(dir, 65534, 65534))
		_, err := Listen(filepath.Join(dir, "agent.sock"), &fakeHandler{}, testLog(t))
		require.ErrorContains(t, err, "owned by another user")
	})
}

const helperEnv = "DATAWARD_IPC_TEST_HELPER"

// TestPeerIsTheKernels runs a client as nobody (uid 65534) next to one
// as root, against one server: each is served as the uid the kernel
// reports, and each gets only its own notices.
func TestPeerIsTheKernels(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: starts a client as uid 65534 (nobody)")
	}
	t.Parallel()
	// nobody must reach the socket and run the test binary: t.TempDir's
	// root and go build's folders are 0700.
	dir, err := os.MkdirTemp("", "dataward-ipc-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "ipc.test")
	self, err := os.ReadFile(os.Args[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, self, 0o755))
	ep := filepath.Join(dir, "agent.sock")
	h := &fakeHandler{}
	s := startServerAt(t, h, defaultLimits, ep)

	root := dialTest(t, ep)
	_, err = root.Status(t.Context())
	require.NoError(t, err)
	rootNotices, err := root.Subscribe(t.Context())
	require.NoError(t, err)

	cmd := exec.CommandContext(t.Context(), bin, "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+ep)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(out)
	helperSays := func() string {
		for lines.Scan() {
			if l, ok := strings.CutPrefix(lines.Text(), "helper: "); ok {
				return l
			}
		}
		t.Fatalf("helper ended: %v", lines.Err())
		return ""
	}
	require.Equal(t, "subscribed", helperSays())

	peers := h.seen()
	require.Len(t, peers, 2)
	require.Equal(t, Peer{UID: 0, User: "root", Admin: true}, peers[0])
	require.Equal(t, 65534, peers[1].UID)
	require.False(t, peers[1].Admin)
	require.Equal(t, 1, s.Subscribers(65534, ""))
	require.Equal(t, 1, s.Subscribers(0, ""))

	require.True(t, s.Notify(0, "", Notice{Kind: NoticeFlagged, Title: "for root"}))
	require.True(t, s.Notify(65534, "", Notice{Kind: NoticeFlagged, Title: "for nobody"}))
	require.Equal(t, "for root", (<-rootNotices).Title)
	var n Notice
	require.NoError(t, json.Unmarshal([]byte(helperSays()), &n))
	require.Equal(t, "for nobody", n.Title, "nobody's first notice is its own")
	require.NoError(t, cmd.Wait())
	require.True(t, s.Notify(0, "", Notice{Kind: NoticeFlagged, Title: "root again"}))
	require.Equal(t, "root again", (<-rootNotices).Title, "root did not get nobody's")
}

// TestHelperProcess is the client that TestPeerIsTheKernels runs as nobody.
func TestHelperProcess(t *testing.T) {
	ep := os.Getenv(helperEnv)
	if ep == "" {
		t.Skip("runs only as TestPeerIsTheKernels's helper")
	}
	c, err := Dial(t.Context(), ep)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Status(t.Context())
	require.NoError(t, err)
	ch, err := c.Subscribe(t.Context())
	require.NoError(t, err)
	fmt.Println("helper: subscribed")
	n, ok := <-ch
	require.True(t, ok)
	b, err := json.Marshal(n)
	require.NoError(t, err)
	fmt.Printf("helper: %s\n", b)
}
