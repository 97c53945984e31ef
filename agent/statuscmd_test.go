package agent

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/policy/config"
)

type stubHandler struct{ st ipc.Status }

func (s stubHandler) Status(ipc.Peer) ipc.Status { return s.st }
func (stubHandler) DeleteNow(ipc.Peer, string) (ipc.Pending, error) {
	return ipc.Pending{}, ipc.ErrNotFound
}
func (stubHandler) Extend(ipc.Peer, string) (ipc.Pending, error) {
	return ipc.Pending{}, ipc.ErrNotFound
}
func (stubHandler) Shown(ipc.Peer, uint64, string) error { return nil }

func TestStatusCommand(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Socket = filepath.Join(t.TempDir(), "dataward.sock")

	var out bytes.Buffer
	err := Status(t.Context(), StatusOptions{Config: cfg, Now: t0, Out: &out})
	require.ErrorIs(t, err, ipc.ErrNotRunning)

	srv, err := ipc.Listen(cfg.Socket, stubHandler{ipc.Status{
		Version: "1.2", Started: t0, Watching: []string{"/home/jane/Downloads"},
		Encryption: []ipc.Volume{{Mount: "/", Role: "system", State: "not_encrypted", Fix: "reinstall with LUKS"}},
		Pending: []ipc.Pending{{Path: "/home/jane/Downloads/Members.csv", Owner: "jane", Records: 35,
			Signals: []string{"name", "email"}, Deadline: t0.Add(90 * time.Minute)}},
		USB: []ipc.Volume{
			{Mount: "/media/jane/STICK", Device: "sdb1", Role: "usb", State: "read_only", Vendor: "0781", Product: "5583",
				Scan: "done", Personal: 2},
			{Mount: "/media/jane/DRIVE", Device: "sdc1", Role: "usb", State: "not_blocked",
				Reason: "busy: a file on it is open for writing", Fix: "close every file open on the device, or remove it"},
		},
	}}, zerolog.Nop())
	require.NoError(t, err)
	go func() { _ = srv.Execute() }()
	t.Cleanup(func() { srv.Interrupt(nil) })

	out.Reset()
	require.NoError(t, Status(t.Context(), StatusOptions{Config: cfg, Now: t0, Out: &out}))
	for _, want := range []string{
		"dataward 1.2", "watching 1 folder(s)", "  /home/jane/Downloads",
		"disk / (system): not encrypted", "  to fix: reinstall with LUKS",
		"usb storage:\n  /media/jane/STICK (sdb1, 0781:5583): read-only\n    scan done: 2 file(s) with personal data\n",
		"  /media/jane/DRIVE (sdc1): NOT read-only: busy: a file on it is open for writing\n    to fix: close every",
		"1 flagged file(s) waiting for deletion", "Members.csv  jane (35 people, name, email)  deleted in 1 h 30 min",
	} {
		require.Contains(t, out.String(), want)
	}
	out.Reset()
	require.NoError(t, Status(t.Context(), StatusOptions{JSON: true, Config: cfg, Now: t0, Out: &out}))
	require.Contains(t, out.String(), `"path":"/home/jane/Downloads/Members.csv"`)
}
