package desktop

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
)

// now is Tuesday 4 December 2029, 09:00 UTC; the 7th is a Friday.
var now = time.Date(2029, 12, 4, 9, 0, 0, 0, time.UTC)

func members(deadline time.Time) ipc.Pending {
	return ipc.Pending{
		Path:           filepath.Join(string(filepath.Separator), "home", "ann", "Downloads", "Members.csv"),
		Owner:          "ann",
		Records:        35,
		Signals:        []string{"name", "email"},
		FirstSeen:      deadline.Add(-72 * time.Hour),
		Deadline:       deadline,
		ExtensionsLeft: 2,
	}
}

func TestNoticeMessages(t *testing.T) {
	t.Parallel()
	flagged := members(now.Add(72 * time.Hour))
	// A Notice arrives a moment after the lead it was sent for: the
	// warning case is built at now+40ms.
	warned := members(now.Add(time.Hour))
	warned.DeleteAt = warned.Deadline
	graced := members(now.Add(-time.Hour)) // the deadline passed while asleep
	graced.DeleteAt = now.Add(15 * time.Minute)
	one := members(now.Add(10*time.Minute + time.Second))
	one.Records = 1
	unknown := members(now.Add(20 * time.Second))
	unknown.Records = 0

	tests := []struct {
		name string
		n    ipc.Notice
		want Message
		late time.Duration // after now
	}{
		{"flagged", ipc.Notice{Kind: ipc.NoticeFlagged, File: &flagged}, Message{
			Title: "Personal data in your Downloads",
			Body:  "Personal data found: Members.csv — 35 people. It will be deleted in 3 days (Fri 7 Dec 09:00) under the party's Download – Use – Delete policy.",
		}, 2 * time.Second},
		{"flagged, one person", ipc.Notice{Kind: ipc.NoticeFlagged, File: &one}, Message{
			Title: "Personal data in your Downloads",
			Body:  "Personal data found: Members.csv — 1 person. It will be deleted in 10 minutes (Tue 4 Dec 09:10) under the party's Download – Use – Delete policy.",
		}, 0},
		{"flagged, records unknown", ipc.Notice{Kind: ipc.NoticeFlagged, File: &unknown}, Message{
			Title: "Personal data in your Downloads",
			Body:  "Personal data found: Members.csv. It will be deleted in less than a minute (Tue 4 Dec 09:00) under the party's Download – Use – Delete policy.",
		}, 0},
		{"warning", ipc.Notice{Kind: ipc.NoticeWarning, File: &warned, Lead: time.Hour}, Message{
			Title: "Members.csv will be deleted in 1 hour",
			Body:  "Members.csv will be deleted in 1 hour (Tue 4 Dec 10:00) under the party's Download – Use – Delete policy.",
		}, 40 * time.Millisecond},
		{"warning after the deadline: the grace period", ipc.Notice{Kind: ipc.NoticeWarning, File: &graced}, Message{
			Title: "Members.csv will be deleted in 15 minutes",
			Body:  "Members.csv will be deleted in 15 minutes (Tue 4 Dec 09:15) under the party's Download – Use – Delete policy.",
		}, 0},
		{"deleted", ipc.Notice{Kind: ipc.NoticeDeleted, File: &flagged}, Message{
			Title: "Members.csv was deleted",
			Body:  "Members.csv was deleted from your computer under the party's Download – Use – Delete policy.",
		}, 0},
		{"posture", ipc.Notice{Kind: ipc.NoticePosture, Title: "Disk not encrypted", Body: "Turn on BitLocker.\nAsk the office."}, Message{
			Title: "Disk not encrypted",
			Body:  "Turn on BitLocker.\nAsk the office.",
		}, 0},
		{"posture without a title", ipc.Notice{Kind: ipc.NoticePosture, Body: "USB sticks are read-only."}, Message{
			Title: "dataward",
			Body:  "USB sticks are read-only.",
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := noticeMessage(tt.n, now.Add(tt.late))
			require.True(t, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestNoticesNotShown(t *testing.T) {
	t.Parallel()
	for _, n := range []ipc.Notice{
		{Kind: ipc.NoticePending},
		{Kind: "something new"},
		{Kind: ipc.NoticeFlagged},
		{Kind: ipc.NoticeWarning},
		{Kind: ipc.NoticeDeleted},
	} {
		_, ok := noticeMessage(n, now)
		require.False(t, ok, n.Kind)
	}
}

func TestTimeLeft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d          time.Duration
		long, menu string
	}{
		{-time.Hour, "less than a minute", "less than a minute"},
		{0, "less than a minute", "less than a minute"},
		{29 * time.Second, "less than a minute", "less than a minute"},
		{59 * time.Second, "1 minute", "less than a minute"},
		{time.Minute, "1 minute", "1 min"},
		{10*time.Minute - time.Second, "10 minutes", "9 min"},
		{45 * time.Minute, "45 minutes", "45 min"},
		{time.Hour - time.Second, "1 hour", "59 min"},
		{time.Hour, "1 hour", "1 h"},
		{2*time.Hour + 5*time.Minute + 59*time.Second, "2 hours", "2 h 5 min"},
		{23*time.Hour + 40*time.Minute, "1 day", "23 h 40 min"},
		{24 * time.Hour, "1 day", "1 d"},
		{27 * time.Hour, "1 day", "1 d 3 h"},
		{72*time.Hour - time.Second, "3 days", "2 d 23 h"},
		{72 * time.Hour, "3 days", "3 d"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.long, TimeLeft(tt.d), "TimeLeft(%v)", tt.d)
		require.Equal(t, tt.menu, ShortTimeLeft(tt.d), "ShortTimeLeft(%v)", tt.d)
	}
}

func TestMenuLabels(t *testing.T) {
	t.Parallel()
	p := members(now.Add(2*time.Hour + 5*time.Minute + 30*time.Second))
	require.Equal(t, "Members.csv — deleted in 2 h 5 min", FileLabel(p, now))
	require.Equal(t, "Keep for another 1 day", KeepLabel(p, 24*time.Hour))
	require.Equal(t, "Keep for another 2 days", KeepLabel(p, 48*time.Hour))
	require.Equal(t, "Keep for another 12 hours", KeepLabel(p, 12*time.Hour))
	require.Equal(t, "Keep for another 90 minutes", KeepLabel(p, 90*time.Minute))
	p.ExtensionsLeft = 0
	require.Empty(t, KeepLabel(p, 24*time.Hour), "no extension left: no keep item")
	require.Equal(t, "Members.csv — due for deletion", FileLabel(p, p.Deadline.Add(time.Minute)))
	require.Equal(t, "Delete now", LabelDeleteNow)
	require.Equal(t, "Show in folder", LabelShowInFolder)
}

func TestBuildMenu(t *testing.T) {
	t.Parallel()
	late := members(now.Add(48 * time.Hour))
	late.Path = filepath.Join(filepath.Dir(late.Path), "Canvass.xlsx")
	late.ExtensionsLeft = 0
	soon := members(now.Add(90 * time.Minute))

	m := buildMenu([]ipc.Pending{late, soon}, true, now, 24*time.Hour)
	require.Equal(t, Menu{
		Tooltip: "dataward: 2 files to be deleted",
		Status:  "dataward: 2 files to be deleted",
		Files: []MenuFile{
			{Path: soon.Path, Label: "Members.csv — deleted in 1 h 30 min", Keep: "Keep for another 1 day"},
			{Path: late.Path, Label: "Canvass.xlsx — deleted in 2 d"},
		},
	}, m)

	m = buildMenu([]ipc.Pending{soon}, true, now, 24*time.Hour)
	require.Equal(t, "dataward: 1 file to be deleted", m.Tooltip)

	require.Equal(t, Menu{Tooltip: "dataward: no files to be deleted", Status: "No files to be deleted"},
		buildMenu(nil, true, now, 24*time.Hour))
	require.Equal(t, Menu{Tooltip: "dataward agent not running", Status: "dataward agent not running"},
		buildMenu([]ipc.Pending{soon}, false, now, 24*time.Hour))
}

func TestFileNameShowsNameOnly(t *testing.T) {
	t.Parallel()
	sep := string(filepath.Separator)
	long := ""
	for range 200 {
		long += "x"
	}
	tests := []struct{ path, want string }{
		{sep + filepath.Join("home", "ann", "Downloads", "Members (3).csv"), "Members (3).csv"},
		{sep + filepath.Join("home", "ann", "Downloads", "two\nlines.csv"), "two lines.csv"},
		{sep + filepath.Join("d", "Members\u202Evsc.exe"), "Members vsc.exe"}, // right-to-left override
		{sep + filepath.Join("d", "tab\there\x1b[31m.csv"), "tab here [31m.csv"},
		{sep + filepath.Join("d", long+".csv"), long[:119] + "…"},
		{"", "a file"},
		{sep, "a file"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, FileName(tt.path), "%q", tt.path)
	}
}

func TestWhenIsInTheUsersZone(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	require.Equal(t, "Fri 7 Dec 10:00", When(time.Date(2029, 12, 7, 9, 0, 0, 0, time.UTC), now.In(paris)))
}

func TestAgentReason(t *testing.T) {
	t.Parallel()
	const path = "/home/ann/Downloads/Members.csv"
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("extend: %w", ipc.ErrNoExtensionsLeft), "It has already been kept for as long as the policy allows."},
		{fmt.Errorf("delete_now: %w", ipc.ErrNotFound), "It is no longer waiting to be deleted."},
		{fmt.Errorf("extend: %w", ipc.ErrNotYours), "It belongs to another user."},
		{errorString("delete_now: " + path + ": the file is open elsewhere"), "Members.csv: the file is open elsewhere."},
		{errorString("The disk is full."), "The disk is full."},
		{errorString("extend: "), "The agent gave no reason."},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, agentReason(tt.err, path), "%v", tt.err)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestRefusedMessage(t *testing.T) {
	t.Parallel()
	require.Equal(t, Message{Title: "Could not keep Members.csv", Body: "No extensions left."},
		refusedMessage(ActionKeep, "/d/Members.csv", "No extensions left."))
	require.Equal(t, Message{Title: "Could not delete Members.csv", Body: notRunningReason},
		refusedMessage(ActionDelete, "/d/Members.csv", notRunningReason))
}

func TestExtendedMessage(t *testing.T) {
	t.Parallel()
	p := members(now.Add(25 * time.Hour))
	require.Equal(t, Message{
		Title: "Members.csv kept for longer",
		Body:  "Members.csv will now be deleted in 1 day (Wed 5 Dec 10:00).",
	}, extendedMessage(p, now))
}
