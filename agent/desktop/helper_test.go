package desktop

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
)

func TestNoticesAreShownAndReported(t *testing.T) {
	t.Parallel()
	file := pendingFile("Members.csv", now.Add(72*time.Hour))
	r := startLoop(t, ipc.Status{Pending: []ipc.Pending{file}}, false)
	a := r.dialer.next(t)

	a.send(t, ipc.Notice{Notice: 7, Kind: ipc.NoticeFlagged, File: &file})
	n := r.notes.next(t)
	require.Equal(t, "Personal data found: Members.csv — 35 people. It will be deleted in 3 days (Fri 7 Dec 09:00) under the party's Download – Use – Delete policy.", n.Body)
	require.Equal(t, file.Path, n.Path)
	require.False(t, n.Urgent)
	require.Equal(t, []Action{
		{ActionKeep, "Keep for another 1 day"}, {ActionDelete, "Delete now"}, {ActionShow, "Show in folder"},
	}, n.Actions)
	require.Equal(t, call{op: ipc.OpShown, notice: 7, path: file.Path}, a.expect(t, ipc.OpShown, ""))

	warned := file
	warned.Deadline, warned.DeleteAt, warned.ExtensionsLeft = now.Add(time.Hour), now.Add(time.Hour), 0
	a.send(t, ipc.Notice{Notice: 8, Kind: ipc.NoticeWarning, File: &warned, Lead: time.Hour})
	n = r.notes.next(t)
	require.Equal(t, "Members.csv will be deleted in 1 hour", n.Title)
	require.True(t, n.Urgent, "a warning stays on screen")
	require.Equal(t, []Action{{ActionDelete, "Delete now"}, {ActionShow, "Show in folder"}}, n.Actions, "no extension left")
	require.Equal(t, call{op: ipc.OpShown, notice: 8, path: file.Path}, a.expect(t, ipc.OpShown, ""))

	a.send(t, ipc.Notice{Notice: 9, Kind: ipc.NoticeDeleted, File: &file})
	n = r.notes.next(t)
	require.Equal(t, "Members.csv was deleted", n.Title)
	require.Empty(t, n.Actions)

	a.send(t, ipc.Notice{Notice: 10, Kind: ipc.NoticePosture, Title: "Disk not encrypted", Body: "Turn on FileVault."})
	require.Equal(t, Message{Title: "Disk not encrypted", Body: "Turn on FileVault."}, r.notes.next(t).Message)

	a.send(t, ipc.Notice{Notice: 11, Kind: ipc.NoticePending})
	a.expect(t, ipc.OpStatus, "")
	r.notes.none(t)
	a.refuse(t, ipc.OpShown) // deleted, posture and pending Notices are not reported
}

func TestNotificationActions(t *testing.T) {
	t.Parallel()
	file := pendingFile("Members.csv", now.Add(time.Hour))
	r := startLoop(t, ipc.Status{Pending: []ipc.Pending{file}}, false)
	a := r.dialer.next(t)
	a.send(t, ipc.Notice{Notice: 1, Kind: ipc.NoticeWarning, File: &file})
	n := r.notes.next(t)

	n.OnAction(ActionKeep)
	a.expect(t, ipc.OpExtend, file.Path)
	require.Equal(t, Message{
		Title: "Members.csv kept for longer",
		Body:  "Members.csv will now be deleted in 1 day (Wed 5 Dec 10:00).",
	}, r.notes.next(t).Message)

	n.OnAction(ActionDelete)
	a.expect(t, ipc.OpDeleteNow, file.Path)
	a.expect(t, ipc.OpStatus, "")

	a.mu.Lock()
	a.extendErr = errorString("extend: " + file.Path + ": the state file is read-only")
	a.mu.Unlock()
	n.OnAction(ActionKeep)
	a.expect(t, ipc.OpExtend, file.Path)
	require.Equal(t, Message{Title: "Could not keep Members.csv", Body: "Members.csv: the state file is read-only."}, r.notes.next(t).Message)
}

func TestNotShownIsRetried(t *testing.T) {
	t.Parallel()
	file := pendingFile("Members.csv", now.Add(time.Hour))
	r := startLoop(t, ipc.Status{Pending: []ipc.Pending{file}}, false)
	a := r.dialer.next(t)
	a.expect(t, ipc.OpStatus, "")
	r.notes.mu.Lock()
	r.notes.fail = 1
	r.notes.mu.Unlock()
	a.send(t, ipc.Notice{Notice: 3, Kind: ipc.NoticeWarning, File: &file})
	a.refuse(t, ipc.OpShown) // not shown, so not reported

	r.clock.Advance(time.Minute)
	require.Equal(t, "Members.csv will be deleted in 59 minutes", r.notes.next(t).Title)
	require.Equal(t, call{op: ipc.OpShown, notice: 3, path: file.Path}, a.expect(t, ipc.OpShown, ""))
}

func TestMenuFollowsTheAgent(t *testing.T) {
	t.Parallel()
	file := pendingFile("Members.csv", now.Add(2*time.Hour+5*time.Minute))
	r := startLoop(t, ipc.Status{Pending: []ipc.Pending{file}}, false)
	a := r.dialer.next(t)
	m := r.view.until(t, func(m Menu) bool { return len(m.Files) == 1 })
	require.Equal(t, "dataward: 1 file to be deleted", m.Tooltip)
	require.Equal(t, "Members.csv — deleted in 2 h 5 min", m.Files[0].Label)
	require.Equal(t, "Keep for another 1 day", m.Files[0].Keep)

	r.timers(t, 1) // the minute's refresh
	r.clock.Advance(time.Minute)
	a.expect(t, ipc.OpStatus, "")
	r.view.until(t, func(m Menu) bool {
		return len(m.Files) == 1 && m.Files[0].Label == "Members.csv — deleted in 2 h 4 min"
	})

	// A choice in the menu reaches the agent.
	r.act(ActionDelete, file.Path)
	a.expect(t, ipc.OpDeleteNow, file.Path)

	// The list changed: the agent says so.
	a.mu.Lock()
	a.status.Pending = nil
	a.mu.Unlock()
	a.send(t, ipc.Notice{Notice: 5, Kind: ipc.NoticePending})
	m = r.view.until(t, func(m Menu) bool { return len(m.Files) == 0 })
	require.Equal(t, "No files to be deleted", m.Status)
}

func TestReconnectsWithBackoff(t *testing.T) {
	t.Parallel()
	r := startLoop(t, ipc.Status{}, true)
	r.view.until(t, func(m Menu) bool { return m.Status == "dataward agent not running" })

	// Down: dial again after 1 s, 2 s, 4 s.
	dials := 1
	for _, backoff := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		r.timers(t, 1)
		require.Equal(t, dials, r.dialer.dialCount())
		r.clock.Advance(backoff - time.Millisecond)
		require.Equal(t, dials, r.dialer.dialCount(), "dialled before %v", backoff)
		r.clock.Advance(time.Millisecond)
		dials++
		require.Eventually(t, func() bool { return r.dialer.dialCount() == dials }, wait, time.Millisecond)
	}

	// While it is down, a choice says so.
	r.act(ActionKeep, "/home/ann/Downloads/Members.csv")
	require.Equal(t, Message{Title: "Could not keep Members.csv", Body: notRunningReason}, r.notes.next(t).Message)

	// Up again.
	r.timers(t, 1)
	r.dialer.setDown(false)
	r.clock.Advance(8 * time.Second)
	a := r.dialer.next(t)
	r.view.until(t, func(m Menu) bool { return m.Status == "No files to be deleted" })

	// The agent restarts: it drops the connection; the helper is back
	// after 1 s, not after the 16 s the outage had reached.
	a.expect(t, ipc.OpStatus, "")
	a.drop()
	r.view.until(t, func(m Menu) bool { return m.Status == "dataward agent not running" })
	r.timers(t, 1)
	r.clock.Advance(time.Second)
	b := r.dialer.next(t)
	file := pendingFile("Members.csv", now.Add(72*time.Hour))
	b.send(t, ipc.Notice{Notice: 1, Kind: ipc.NoticeFlagged, File: &file})
	require.True(t, strings.Contains(r.notes.next(t).Body, "Members.csv"))
	b.expect(t, ipc.OpShown, file.Path)
}

func TestBackoffStopsAtThirtySeconds(t *testing.T) {
	t.Parallel()
	r := startLoop(t, ipc.Status{}, true)
	for _, d := range []time.Duration{1, 2, 4, 8, 16, 30, 30} {
		r.timers(t, 1)
		n := r.dialer.dialCount()
		r.clock.Advance(d*time.Second - time.Millisecond)
		require.Equal(t, n, r.dialer.dialCount())
		r.clock.Advance(time.Millisecond)
		require.Eventually(t, func() bool { return r.dialer.dialCount() == n+1 }, wait, time.Millisecond)
	}
}
