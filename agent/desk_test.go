package agent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/agent/state"
	"dataward/clock"
)

func TestDeskAuthorisation(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	tom := personal(2, "bb")
	tom.uid, tom.owner = 1001, "tom"
	fs := &fakeFS{files: map[string]inspection{"jane.csv": personal(1, "aa"), "tom.csv": tom}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), "/home/jane/Downloads", "jane.csv")
	h.seen(t.Context(), "/home/tom/Downloads", "tom.csv")
	jane := ipc.Peer{UID: 1000, User: "jane"}
	tomP := ipc.Peer{UID: 1001, User: "tom"}
	root := ipc.Peer{UID: 0, User: "root", Admin: true}

	require.Len(t, h.pendingFor(jane), 1)
	require.Equal(t, "/home/jane/Downloads/jane.csv", h.pendingFor(jane)[0].Path)
	require.Len(t, h.pendingFor(root), 2)
	require.Empty(t, h.pendingFor(ipc.Peer{UID: 1002, User: "sam"}))

	// Tom can neither extend nor delete Jane's file, nor learn it exists.
	_, err := h.extend(tomP, "/home/jane/Downloads/jane.csv")
	require.ErrorIs(t, err, ipc.ErrNotFound)
	_, err = h.deleteNow(tomP, "/home/jane/Downloads/jane.csv")
	require.ErrorIs(t, err, ipc.ErrNotFound)
	require.ErrorIs(t, h.shown(tomP, "/home/jane/Downloads/jane.csv"), ipc.ErrNotFound)
	require.Empty(t, fs.erased)

	// Keep moves the deadline exactly once per allowance (max_extensions 2).
	p, err := h.extend(jane, "/home/jane/Downloads/../Downloads/jane.csv")
	require.NoError(t, err)
	require.Equal(t, t0.Add(96*time.Hour), p.Deadline)
	require.Equal(t, 1, p.ExtensionsLeft)
	p, err = h.extend(jane, "/home/jane/Downloads/jane.csv")
	require.NoError(t, err)
	require.Equal(t, t0.Add(120*time.Hour), p.Deadline)
	_, err = h.extend(jane, "/home/jane/Downloads/jane.csv")
	require.ErrorIs(t, err, ipc.ErrNoExtensionsLeft)
	require.Equal(t, t0.Add(120*time.Hour), h.pendingFor(jane)[0].Deadline)

	// Delete now, by the owner.
	_, err = h.deleteNow(jane, "/home/jane/Downloads/jane.csv")
	require.NoError(t, err)
	require.Equal(t, []string{"jane.csv"}, fs.erased)
	ev := h.events(t)
	require.Contains(t, ev, "extended jane.csv @09:00")
	require.Contains(t, ev, "delete_requested jane.csv @09:00")
	require.Contains(t, ev, "deleted jane.csv @09:00")
}

// A warning handed to a desktop helper counts from when it is shown.
func TestWarningShownStartsTheGrace(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"a.csv": personal(1, "aa")}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.rules.WarnBefore = nil
	h.rules.AckWait = ackWait
	handed := 0
	h.warn = func(f state.File, lead time.Duration, deleteAt time.Time) bool { handed++; return true }
	h.seen(t.Context(), "/dl", "a.csv")
	c.Advance(72 * time.Hour) // deadline: warning handed over, not yet shown
	require.Equal(t, 1, handed)
	c.Advance(5 * time.Minute)
	require.NoError(t, h.shown(ipc.Peer{UID: 1000}, "/dl/a.csv"))
	c.Advance(14 * time.Minute)
	require.Empty(t, fs.erased, "15 minutes of grace from when it was shown")
	c.Advance(time.Minute)
	require.Equal(t, []string{"a.csv"}, fs.erased)
	require.Equal(t, 1, handed, "handed over once, not again every tick")
}
