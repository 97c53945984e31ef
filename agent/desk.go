package agent

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dataward/agent/audit"
	"dataward/agent/ipc"
	"dataward/agent/state"
)

// ackWait is how long a warning handed to a desktop helper may go
// unconfirmed before it counts as shown (retention.Rules.AckWait).
const ackWait = 10 * time.Minute

// owns reports whether the peer may see and act on f: its owner, or an
// administrator. Unix owners are matched by uid; where the OS gives none
// (Windows), by account name.
func owns(p ipc.Peer, f *state.File) bool {
	switch {
	case p.Admin:
		return true
	case p.UID >= 0 && f.UID >= 0:
		return p.UID == f.UID
	}
	return p.User != "" && strings.EqualFold(p.User, f.Owner)
}

// pendingOf describes f for the desktop.
func (t *tracker) pendingOf(f *state.File) ipc.Pending {
	rf := t.retentionOf(f)
	return ipc.Pending{
		Path: f.Path(), Owner: f.Owner, Records: f.Records, Signals: slices.Clone(f.Signals),
		FirstSeen: f.FirstSeen, Deadline: t.rules.Deadline(rf), DeleteAt: t.rules.DeleteAt(rf),
		Extensions: f.Extensions, ExtensionsLeft: max(t.rules.MaxExtensions-f.Extensions, 0),
	}
}

// pendingFor lists the flagged files the peer may see, soonest first.
func (t *tracker) pendingFor(p ipc.Peer) []ipc.Pending {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := []ipc.Pending{}
	for _, f := range t.files {
		if owns(p, f) {
			out = append(out, t.pendingOf(f))
		}
	}
	slices.SortFunc(out, func(a, b ipc.Pending) int { return a.Deadline.Compare(b.Deadline) })
	return out
}

// lookup finds the flagged file at path that the peer may act on. Another
// user's file is reported as not found: its existence is not theirs to know.
func (t *tracker) lookup(p ipc.Peer, path string) (*state.File, error) {
	path = filepath.Clean(path)
	for _, f := range t.files {
		if f.Path() == path {
			if !owns(p, f) {
				return nil, fmt.Errorf("%s: %w", path, ipc.ErrNotFound)
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", path, ipc.ErrNotFound)
}

// extend gives the peer's file one more extension, if any are left.
func (t *tracker) extend(p ipc.Peer, path string) (ipc.Pending, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := t.lookup(p, path)
	if err != nil {
		return ipc.Pending{}, err
	}
	rf, err := t.rules.Extend(t.retentionOf(f))
	if err != nil {
		return t.pendingOf(f), fmt.Errorf("%s: %w", path, ipc.ErrNoExtensionsLeft)
	}
	f.Extensions, f.Warned = rf.Extensions, rf.Warned
	t.audit.Event(audit.Extended).Str("path", f.Path()).Str("sha256", f.SHA256).Str("owner", f.Owner).
		Int("records", f.Records).Str("user", p.User).Int("extensions", f.Extensions).
		Time("deadline", t.rules.Deadline(rf)).Send()
	t.changed()
	t.rescheduleLocked(t.clock.Now())
	return t.pendingOf(f), nil
}

// deleteNow deletes the peer's file at once, by the same checks as a due
// deletion.
func (t *tracker) deleteNow(p ipc.Peer, path string) (ipc.Pending, error) {
	t.mu.Lock()
	f, err := t.lookup(p, path)
	var copyF state.File
	if err == nil {
		copyF = *f
	}
	t.mu.Unlock()
	if err != nil {
		return ipc.Pending{}, err
	}
	t.audit.Event(audit.DeleteRequested).Str("path", copyF.Path()).Str("owner", copyF.Owner).Str("user", p.User).Send()
	t.delete(copyF)
	t.mu.Lock()
	defer t.mu.Unlock()
	if still := t.files[keyOf(&copyF)]; still != nil {
		return t.pendingOf(still), fmt.Errorf("%s: not deleted: see the audit log", path)
	}
	return t.pendingOf(&copyF), nil
}

// shown records that the peer's desktop showed a warning about path: the
// grace period runs from now.
func (t *tracker) shown(p ipc.Peer, path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := t.lookup(p, path)
	if err != nil {
		return err
	}
	if f.FirstWarned.IsZero() && !f.FirstSent.IsZero() {
		rf := t.rules.Shown(t.retentionOf(f), t.clock.Now())
		f.FirstWarned = rf.FirstWarned
		t.changed()
		t.rescheduleLocked(t.clock.Now())
	}
	return nil
}
