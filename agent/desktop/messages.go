package desktop

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"dataward/agent/ipc"
)

// Message is what one notification says.
type Message struct {
	Title string
	Body  string
}

// policyName is how the policy is named to users, as in the README.
const policyName = "the party's Download – Use – Delete policy"

// Menu labels that do not depend on the file.
const (
	LabelDeleteNow    = "Delete now"
	LabelShowInFolder = "Show in folder"
	LabelProtect      = "Encrypt a file for sharing…"
	LabelNotRunning   = "dataward agent not running"
	LabelNothing      = "No files to be deleted"
)

// noticeMessage builds the notification for n at now; ok is false for
// Notices that are not shown (NoticePending, unknown kinds, a file Notice
// without its file).
func noticeMessage(n ipc.Notice, now time.Time) (m Message, ok bool) {
	switch n.Kind {
	case ipc.NoticeFlagged:
		if n.File == nil {
			return Message{}, false
		}
		return flaggedMessage(*n.File, now), true
	case ipc.NoticeWarning:
		if n.File == nil {
			return Message{}, false
		}
		return warningMessage(*n.File, now), true
	case ipc.NoticeDeleted:
		if n.File == nil {
			return Message{}, false
		}
		return deletedMessage(*n.File), true
	case ipc.NoticePosture:
		title := oneLine(n.Title)
		if title == "" {
			title = "dataward"
		}
		return Message{Title: title, Body: cleanText(n.Body)}, true
	}
	return Message{}, false
}

func flaggedMessage(p ipc.Pending, now time.Time) Message {
	name := FileName(p.Path)
	people := ""
	if p.Records > 0 {
		people = " — " + countOf(p.Records, "person", "people")
	}
	return Message{
		Title: "Personal data in your Downloads",
		Body: fmt.Sprintf("Personal data found: %s%s. It will be deleted in %s (%s) under %s.",
			name, people, TimeLeft(deleteTime(p).Sub(now)), When(deleteTime(p), now), policyName),
	}
}

func warningMessage(p ipc.Pending, now time.Time) Message {
	name := FileName(p.Path)
	left := TimeLeft(deleteTime(p).Sub(now))
	return Message{
		Title: fmt.Sprintf("%s will be deleted in %s", name, left),
		Body: fmt.Sprintf("%s will be deleted in %s (%s) under %s.",
			name, left, When(deleteTime(p), now), policyName),
	}
}

func deletedMessage(p ipc.Pending) Message {
	name := FileName(p.Path)
	return Message{
		Title: name + " was deleted",
		Body:  fmt.Sprintf("%s was deleted from your computer under %s.", name, policyName),
	}
}

// extendedMessage confirms a "Keep for another …".
func extendedMessage(p ipc.Pending, now time.Time) Message {
	name := FileName(p.Path)
	return Message{
		Title: name + " kept for longer",
		Body: fmt.Sprintf("%s will now be deleted in %s (%s).",
			name, TimeLeft(deleteTime(p).Sub(now)), When(deleteTime(p), now)),
	}
}

// refusedMessage reports that the agent refused or could not be asked to
// do what the user chose; reason is the agent's own words.
func refusedMessage(key, path, reason string) Message {
	verb := map[string]string{ActionKeep: "keep", ActionDelete: "delete", ActionShow: "show", ActionProtect: "encrypt"}[key]
	if verb == "" {
		verb = "act on"
	}
	return Message{
		Title: fmt.Sprintf("Could not %s %s", verb, FileName(path)),
		Body:  cleanText(reason),
	}
}

// notRunningReason is shown when the user acts while the agent is away.
const notRunningReason = "The dataward agent is not running. Try again in a minute."

// deleteTime is when the agent means to delete p: DeleteAt once a warning
// fixed it, the deadline before that.
func deleteTime(p ipc.Pending) time.Time {
	if !p.DeleteAt.IsZero() {
		return p.DeleteAt
	}
	return p.Deadline
}

// TimeLeft renders d for a sentence: "3 days", "1 hour", "10 minutes",
// "less than a minute". It rounds to the nearest unit, because a Notice
// arrives a moment after the lead it was sent for (a "1 hour" warning
// reads 59m59s); the absolute time beside it is exact.
func TimeLeft(d time.Duration) string {
	if d < 30*time.Second {
		return "less than a minute"
	}
	if m := d.Round(time.Minute) / time.Minute; m < 60 {
		return countOf(int(m), "minute", "minutes")
	}
	if h := d.Round(time.Hour) / time.Hour; h < 24 {
		return countOf(int(h), "hour", "hours")
	}
	return countOf(int(d.Round(24*time.Hour)/(24*time.Hour)), "day", "days")
}

// ShortTimeLeft renders d for a menu label, exact to the minute (rounded
// down) since the menu is redrawn every minute: "2 h 5 min", "1 d 3 h",
// "45 min", "less than a minute".
func ShortTimeLeft(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case days > 0:
		return fmt.Sprintf("%d d", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", mins)
}

// Extension renders the length of one "keep it longer" for its label:
// "1 day", "12 hours", "90 minutes".
func Extension(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return countOf(int(d/(24*time.Hour)), "day", "days")
	case d >= time.Hour && d%time.Hour == 0:
		return countOf(int(d/time.Hour), "hour", "hours")
	case d >= time.Minute:
		return countOf(int(d/time.Minute), "minute", "minutes")
	}
	return "a moment"
}

// When renders t as "Fri 7 Dec 09:00" in now's time zone, the user's.
func When(t, now time.Time) string {
	return t.In(now.Location()).Format("Mon 2 Jan 15:04")
}

// FileLabel is a pending file's menu item: "Members.csv — deleted in 2 h 5 min".
func FileLabel(p ipc.Pending, now time.Time) string {
	left := deleteTime(p).Sub(now)
	if left <= 0 {
		return FileName(p.Path) + " — due for deletion"
	}
	return FileName(p.Path) + " — deleted in " + ShortTimeLeft(left)
}

// KeepLabel is the "keep it longer" item for p, or "" when p has no
// extension left.
func KeepLabel(p ipc.Pending, extension time.Duration) string {
	if p.ExtensionsLeft <= 0 {
		return ""
	}
	return "Keep for another " + Extension(extension)
}

// FileName is the name shown for path: its base name only, never the
// folder or the contents, on one line and without the Unicode controls
// that could make "Members\u202Eslx.exe" read as something else.
func FileName(path string) string {
	name := oneLine(filepath.Base(path))
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "a file"
	}
	const max = 120 // runes; notification servers cut long summaries badly
	if r := []rune(name); len(r) > max {
		name = string(r[:max-1]) + "…"
	}
	return name
}

// oneLine replaces every control and bidirectional-formatting character,
// line breaks included, with a space, and trims the ends.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return ' '
		}
		return r
	}, s))
}

// cleanText is oneLine for longer text: line breaks are kept.
func cleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unsafeRune(r) {
			return ' '
		}
		return r
	}, s))
}

func unsafeRune(r rune) bool {
	switch {
	case r == unicode.ReplacementChar:
		return false
	case unicode.IsControl(r): // C0, DEL, C1
		return true
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case unicode.Is(unicode.Bidi_Control, r): // U+200E/F, U+202A–E, U+2066–9, U+061C
		return true
	}
	return false
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
