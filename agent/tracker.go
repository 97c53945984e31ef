package agent

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/audit"
	"dataward/agent/erase"
	"dataward/agent/ipc"
	"dataward/agent/state"
	"dataward/clock"
	"dataward/policy/classify"
	"dataward/policy/retention"
)

// Timings of the tracker. wakeEvery bounds how long the tracker trusts a
// timer: Go timers run on the monotonic clock, which stands still while a
// machine sleeps, so deadlines are re-checked against the wall clock at
// least this often.
const (
	wakeEvery   = 30 * time.Second
	saveDelay   = 200 * time.Millisecond
	retryDelete = 5 * time.Minute
	// ghostTTL is how long a flagged file that left its folder is remembered,
	// so that a rename or a copy within the watched folders keeps the deadline.
	ghostTTL = 10 * time.Minute
)

// inspection is what the tracker learns about a file when it looks at it.
type inspection struct {
	result classify.Result
	id     erase.Identity
	owner  string
	uid    int
	read   int64 // bytes the classifier read
}

// tracker keeps the flagged files, their deadlines and the state file, and
// warns and deletes on time.
type tracker struct {
	log      zerolog.Logger
	audit    *audit.Log
	clock    clock.Clock
	rules    retention.Rules
	stateDir string
	// inspect classifies the file at root/rel and, when it is personal,
	// pins its identity. It never follows a link out of root.
	inspect func(ctx context.Context, root, rel string) (inspection, error)
	erase   func(root, rel string, id erase.Identity) (erase.Report, error)
	// stat returns root/rel's identity without its hash, cheaply, so that a
	// flagged file reported again unchanged is not read again.
	stat func(root, rel string) (erase.Identity, error)
	// warn hands a warning to the file's user's desktop helper; it reports
	// whether one took it (it confirms showing it later, through shown).
	warn func(f state.File, lead time.Duration, deleteAt time.Time) bool
	// notify tells the file's user's desktop helper of other news.
	notify func(kind string, f state.File)

	mu        sync.Mutex
	files     map[fileKey]*state.File
	ghosts    map[fileKey]ghost
	retryAt   map[fileKey]time.Time
	timer     clock.Timer
	timerAt   time.Time // when timer fires
	saveTimer clock.Timer
	// recovering is set after a corrupt state file: files found then were
	// there before, so their first-seen time is their modification time.
	recovering bool
	stopped    bool
}

type fileKey struct{ root, rel string }

// ghost is a flagged file that left its folder.
type ghost struct {
	f    *state.File
	gone time.Time
}

func keyOf(f *state.File) fileKey { return fileKey{f.Root, f.Rel} }

// load reads the state file. A corrupt one is reported and the tracker
// starts empty in recovery mode.
func (t *tracker) load() error {
	files, err := state.Load(t.stateDir, t.clock.Now())
	t.mu.Lock()
	defer t.mu.Unlock()
	t.files = make(map[fileKey]*state.File, len(files))
	t.retryAt = make(map[fileKey]time.Time)
	t.ghosts = make(map[fileKey]ghost)
	switch {
	case errors.Is(err, state.ErrCorrupt):
		t.recovering = true
		t.audit.Event(audit.StateCorrupt).Str("error", err.Error()).Send()
		t.log.Error().Err(err).Msg("state file corrupt; rescanning")
	case err != nil:
		return err
	}
	for i := range files {
		f := files[i]
		t.files[keyOf(&f)] = &f
	}
	return nil
}

// seen looks at a complete file in a watched folder and flags it, updates
// it or lets it go.
func (t *tracker) seen(ctx context.Context, root, rel string) {
	t.mu.Lock()
	cur := t.files[fileKey{root, rel}]
	t.mu.Unlock()
	if cur != nil && t.stat != nil {
		if id, err := t.stat(root, rel); err == nil && id.Dev == cur.Dev && id.Ino == cur.Ino &&
			id.Size == cur.Size && id.ModTime.Equal(cur.ModTime) {
			return
		}
	}
	in, err := t.inspect(ctx, root, rel)
	if err != nil {
		t.log.Debug().Err(err).Str("path", filepath.Join(root, rel)).Msg("not inspected")
		return
	}
	if kind, f := t.record(root, rel, in); kind != "" {
		t.notify(kind, f)
	}
}

// record files what inspect found about root/rel and says what the file's
// user should hear of it (a Notice kind, or "").
func (t *tracker) record(root, rel string, in inspection) (string, state.File) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	key := fileKey{root, rel}
	cur := t.files[key]
	if cur != nil && sameFile(cur, in.id) {
		return "", state.File{}
	}
	if in.result.Verdict != classify.Personal {
		if cur != nil {
			delete(t.files, key)
			t.audit.Event(audit.Unflagged).Str("path", cur.Path()).Str("owner", cur.Owner).
				Str("verdict", string(in.result.Verdict)).Str("reason", in.result.Reason).Send()
			t.changed()
			return ipc.NoticePending, *cur
		}
		return "", state.File{}
	}
	f := &state.File{Root: root, Rel: rel, FirstSeen: now}
	twin := t.twinOf(key, in)
	switch {
	case cur != nil:
		// Changed but still personal: the deadline stands.
		f = cur
	case twin != nil:
		// Renamed or copied within the watched folders: a new name does not
		// buy a new deadline.
		f.FirstSeen, f.Extensions, f.Warned = twin.FirstSeen, twin.Extensions, slices.Clone(twin.Warned)
		f.FirstWarned, f.FirstSent = twin.FirstWarned, twin.FirstSent
		delete(t.ghosts, keyOf(twin))
	case t.recovering && in.id.ModTime.Before(now):
		f.FirstSeen = in.id.ModTime
	}
	f.Owner, f.UID = in.owner, in.uid
	f.Dev, f.Ino, f.Size, f.ModTime, f.SHA256 = in.id.Dev, in.id.Ino, in.id.Size, in.id.ModTime, in.id.SHA256
	f.Records, f.Signals = in.result.Records, in.result.Signals
	t.files[key] = f
	rf := t.retentionOf(f)
	kind := ipc.NoticePending
	if cur == nil && twin == nil {
		t.audit.Event(audit.Flagged).Str("path", f.Path()).Str("sha256", f.SHA256).Str("owner", f.Owner).
			Int("records", f.Records).Strs("signals", f.Signals).Time("deadline", t.rules.Deadline(rf)).Send()
		kind = ipc.NoticeFlagged
	}
	t.changed()
	// Only this file changed: the timer moves only if it is due sooner.
	if at := t.rules.Due(rf, now).Next; t.timer == nil || at.Before(t.timerAt) {
		t.armLocked(now, at)
	}
	return kind, *f
}

func sameFile(f *state.File, id erase.Identity) bool {
	return f.Dev == id.Dev && f.Ino == id.Ino && f.Size == id.Size && f.ModTime.Equal(id.ModTime) && f.SHA256 == id.SHA256
}

// twinOf finds another flagged file of the same user, still there or gone
// lately, that is the same file (same inode) or has the same content (same
// SHA-256). Another user's files never count: one user cannot steer
// another's deadlines.
func (t *tracker) twinOf(key fileKey, in inspection) *state.File {
	twin := func(k fileKey, f *state.File) bool {
		return k != key && f.UID == in.uid &&
			(f.Dev == in.id.Dev && f.Ino == in.id.Ino || f.SHA256 == in.id.SHA256)
	}
	for k, g := range t.ghosts {
		if twin(k, g.f) {
			return g.f
		}
	}
	for k, f := range t.files {
		if twin(k, f) {
			return f
		}
	}
	return nil
}

// removed notes that a file left its watched folder. It is let go only if
// it is really gone: the same event comes from a rename, whose new name
// will be seen again and keep the deadline.
func (t *tracker) removed(root, rel string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := fileKey{root, rel}
	f := t.files[key]
	if f == nil {
		return
	}
	if _, err := os.Lstat(f.Path()); errors.Is(err, fs.ErrNotExist) {
		delete(t.files, key)
		t.ghosts[key] = ghost{f: f, gone: t.clock.Now()}
		t.log.Info().Str("path", f.Path()).Msg("flagged file gone")
		t.changed()
	}
}

func (t *tracker) retentionOf(f *state.File) retention.File {
	return retention.File{FirstSeen: f.FirstSeen, Extensions: f.Extensions, Warned: f.Warned,
		FirstWarned: f.FirstWarned, FirstSent: f.FirstSent}
}

// tick gives the warnings and deletions that are due and sets the timer
// for the next.
func (t *tracker) tick() {
	now := t.clock.Now()
	type warning struct {
		f    state.File
		lead time.Duration
	}
	var warns []warning
	var dels []state.File
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	for k, g := range t.ghosts {
		if now.Sub(g.gone) > ghostTTL {
			delete(t.ghosts, k)
		}
	}
	for k, f := range t.files {
		step := t.rules.Due(t.retentionOf(f), now)
		switch {
		case step.Warn:
			warns = append(warns, warning{*f, step.Lead})
		case step.Delete && !now.Before(t.retryAt[k]):
			dels = append(dels, *f)
		}
	}
	t.mu.Unlock()

	for _, w := range warns {
		rf := t.retentionOf(&w.f)
		// Handed to a desktop helper, the warning counts from when it is
		// shown; with none, the audit event is all there is.
		toDesktop := t.warn(w.f, w.lead, t.rules.DeleteAt(t.rules.Warned(rf, w.lead, now)))
		if toDesktop {
			rf = t.rules.Sent(rf, w.lead, now)
		} else {
			rf = t.rules.Warned(rf, w.lead, now)
		}
		t.audit.Event(audit.Warned).Str("path", w.f.Path()).Str("sha256", w.f.SHA256).Str("owner", w.f.Owner).
			Int("records", w.f.Records).Dur("lead", w.lead).Time("delete_at", t.rules.DeleteAt(rf)).
			Bool("to_desktop", toDesktop).Send()
		t.update(keyOf(&w.f), func(f *state.File) {
			f.Warned, f.FirstWarned, f.FirstSent = rf.Warned, rf.FirstWarned, rf.FirstSent
		})
	}
	for _, f := range dels {
		t.delete(f)
	}
	t.mu.Lock()
	t.rescheduleLocked(now)
	t.mu.Unlock()
}

func (t *tracker) update(k fileKey, fn func(*state.File)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f := t.files[k]; f != nil {
		fn(f)
		t.changed()
	}
}

// delete erases one due file, or says why it did not.
func (t *tracker) delete(f state.File) {
	id := erase.Identity{Dev: f.Dev, Ino: f.Ino, Size: f.Size, ModTime: f.ModTime, SHA256: f.SHA256, Nlink: 1}
	rep, err := t.erase(f.Root, f.Rel, id)
	if errors.Is(err, erase.ErrChanged) {
		// Changed since it was flagged: judge it again. Still personal, it
		// keeps its deadline, which has come; otherwise seen lets it go.
		t.seen(context.Background(), f.Root, f.Rel)
		t.mu.Lock()
		again := t.files[keyOf(&f)]
		if again != nil {
			f = *again
		}
		t.mu.Unlock()
		if again == nil {
			return
		}
		id = erase.Identity{Dev: f.Dev, Ino: f.Ino, Size: f.Size, ModTime: f.ModTime, SHA256: f.SHA256, Nlink: 1}
		rep, err = t.erase(f.Root, f.Rel, id)
	}
	k := keyOf(&f)
	if err == nil {
		t.audit.Event(audit.Deleted).Str("path", f.Path()).Str("sha256", f.SHA256).Str("owner", f.Owner).
			Int("records", f.Records).Int64("bytes", rep.Bytes).Bool("overwritten", rep.Overwritten).
			Str("note", rep.Note).Send()
		t.forget(k)
		t.notify(ipc.NoticeDeleted, f)
		return
	}
	reason := erase.Reason(err)
	ev := t.audit.Event(audit.DeleteSkipped).Str("path", f.Path()).Str("sha256", f.SHA256).Str("owner", f.Owner).
		Int("records", f.Records).Str("reason", reason)
	if reason == "error" {
		// Possibly passing (the file is open elsewhere, a disk error):
		// try again later rather than give up on a deadline.
		ev.Str("error", err.Error()).Time("retry_at", t.clock.Now().Add(retryDelete)).Send()
		t.mu.Lock()
		t.retryAt[k] = t.clock.Now().Add(retryDelete)
		t.mu.Unlock()
		return
	}
	ev.Send()
	t.forget(k)
}

func (t *tracker) forget(k fileKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.files, k)
	delete(t.retryAt, k)
	t.changed()
}

// rescheduleLocked arms the timer for the earliest due time, and at most
// wakeEvery from now.
func (t *tracker) rescheduleLocked(now time.Time) {
	if t.stopped {
		return
	}
	next := now.Add(wakeEvery)
	for k, f := range t.files {
		due := t.rules.Due(t.retentionOf(f), now).Next
		if r := t.retryAt[k]; r.After(due) {
			due = r
		}
		if due.Before(next) {
			next = due
		}
	}
	t.armLocked(now, next)
}

// armLocked sets the timer to fire at at.
func (t *tracker) armLocked(now, at time.Time) {
	if t.stopped {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timerAt = at
	t.timer = t.clock.AfterFunc(max(at.Sub(now), 0), t.tick)
}

// changed marks the state dirty; it is saved shortly, once for a burst.
func (t *tracker) changed() {
	if t.saveTimer == nil && !t.stopped {
		t.saveTimer = t.clock.AfterFunc(saveDelay, func() { _ = t.save() })
	}
}

// save writes the state file now.
func (t *tracker) save() error {
	t.mu.Lock()
	t.saveTimer = nil
	files := make([]state.File, 0, len(t.files))
	for _, k := range slices.SortedFunc(maps.Keys(t.files), func(a, b fileKey) int {
		if a.root != b.root {
			return strings.Compare(a.root, b.root)
		}
		return strings.Compare(a.rel, b.rel)
	}) {
		files = append(files, *t.files[k])
	}
	t.mu.Unlock()
	err := state.Save(t.stateDir, files)
	if err != nil {
		t.log.Error().Err(err).Msg("saving state")
	}
	return err
}

// stop cancels the timers and saves the state a last time.
func (t *tracker) stop() error {
	t.mu.Lock()
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
	}
	if t.saveTimer != nil {
		t.saveTimer.Stop()
	}
	t.mu.Unlock()
	return t.save()
}

// pending returns the flagged files with their retention record, for
// status.
func (t *tracker) pending() []state.File {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]state.File, 0, len(t.files))
	for _, f := range t.files {
		out = append(out, *f)
	}
	return out
}
