package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/audit"
	"dataward/agent/erase"
	"dataward/agent/state"
	"dataward/clock"
	"dataward/policy/classify"
	"dataward/policy/retention"
)

var t0 = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// fakeFS stands in for the files: what inspect finds and what erase does.
type fakeFS struct {
	mu      sync.Mutex
	files   map[string]inspection
	erased  []string
	eraseFn func(rel string) error
}

func (fs *fakeFS) inspect(_ context.Context, root, rel string) (inspection, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	in, ok := fs.files[rel]
	if !ok {
		return inspection{}, os.ErrNotExist
	}
	return in, nil
}

func (fs *fakeFS) erase(root, rel string, id erase.Identity) (erase.Report, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.eraseFn != nil {
		if err := fs.eraseFn(rel); err != nil {
			return erase.Report{}, err
		}
	}
	in, ok := fs.files[rel]
	switch {
	case !ok:
		return erase.Report{}, os.ErrNotExist
	case in.id.SHA256 != id.SHA256:
		return erase.Report{}, erase.ErrChanged
	}
	delete(fs.files, rel)
	fs.erased = append(fs.erased, rel)
	return erase.Report{Bytes: in.id.Size, Overwritten: true}, nil
}

func personal(ino uint64, sha string) inspection {
	return inspection{
		result: classify.Result{Verdict: classify.Personal, Records: 35, Signals: []string{"name", "email"}},
		id:     erase.Identity{Dev: 1, Ino: ino, Size: 100, ModTime: t0.Add(-time.Hour), SHA256: sha, Nlink: 1},
		owner:  "jane", uid: 1000,
	}
}

type harness struct {
	*tracker
	clock *clock.Fake
	fs    *fakeFS
	log   *bytes.Buffer
}

var testRules = retention.Rules{
	Personal: 72 * time.Hour, WarnBefore: []time.Duration{24 * time.Hour, time.Hour},
	Grace: 15 * time.Minute, Extension: 24 * time.Hour, MaxExtensions: 2,
}

func newHarness(t *testing.T, dir string, c *clock.Fake, fs *fakeFS) *harness {
	t.Helper()
	buf := &bytes.Buffer{}
	tr := &tracker{
		log: zerolog.Nop(), audit: audit.New(buf, c.Now), clock: c, rules: testRules, stateDir: dir,
		inspect: fs.inspect, erase: fs.erase,
		warn:   func(state.File, time.Duration, time.Time) bool { return false },
		notify: func(string, state.File) {},
	}
	require.NoError(t, tr.load())
	return &harness{tracker: tr, clock: c, fs: fs, log: buf}
}

// events returns the audit events so far as "event path" lines.
func (h *harness) events(t *testing.T) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(h.log.Bytes()))
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		line := ev["event"].(string)
		if p, ok := ev["path"].(string); ok {
			line += " " + filepath.Base(p)
		}
		if r, ok := ev["reason"].(string); ok && ev["event"] == "delete_skipped" {
			line += " " + r
		}
		out = append(out, line+" @"+ev["time"].(string)[11:16])
	}
	return out
}

func TestTrackerFlagsWarnsAndDeletesOnTime(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{
		"Members.csv": personal(1, "aa"),
		"clean.csv":   {result: classify.Result{Verdict: classify.Clean}, id: erase.Identity{Ino: 2}},
	}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), "/dl", "Members.csv")
	h.seen(t.Context(), "/dl", "clean.csv")
	h.seen(t.Context(), "/dl", "Members.csv") // seen again: nothing new
	c.Advance(71*time.Hour + 59*time.Minute)
	require.Empty(t, fs.erased)
	c.Advance(time.Minute)
	require.Equal(t, []string{"Members.csv"}, fs.erased)
	require.Equal(t, []string{
		"flagged Members.csv @09:00", "warned Members.csv @09:00", "warned Members.csv @08:00", "deleted Members.csv @09:00",
	}, h.events(t))
	require.Empty(t, h.pending())
}

func TestTrackerKeepsDeadlinesAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"Members.csv": personal(1, "aa")}}
	h := newHarness(t, dir, c, fs)
	h.seen(t.Context(), "/dl", "Members.csv")
	c.Advance(time.Second) // the debounced save
	require.NoError(t, h.stop())

	// Off for a week: the deadline passed unannounced, so the user is warned
	// first and the file goes after the grace period, not at once.
	c.Advance(7 * 24 * time.Hour)
	h2 := newHarness(t, dir, c, fs)
	require.Len(t, h2.pending(), 1)
	require.Equal(t, t0, h2.pending()[0].FirstSeen)
	h2.seen(t.Context(), "/dl", "Members.csv") // the rescan at start
	h2.tick()
	require.Empty(t, fs.erased)
	c.Advance(14 * time.Minute)
	require.Empty(t, fs.erased)
	c.Advance(time.Minute)
	require.Equal(t, []string{"Members.csv"}, fs.erased)
}

func TestTrackerCorruptStateUsesModTimes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, state.FileName), []byte("{garbage"), 0o600))
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"Members.csv": personal(1, "aa")}}
	h := newHarness(t, dir, c, fs)
	h.seen(t.Context(), "/dl", "Members.csv")
	require.Equal(t, t0.Add(-time.Hour), h.pending()[0].FirstSeen, "known before: not reset to now")
	require.Contains(t, h.events(t)[0], "state_corrupt")
}

func TestTrackerRenameKeepsDeadline(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"a.csv": personal(1, "aa")}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), root, "a.csv")
	c.Advance(10 * time.Hour)
	fs.files["b.csv"] = fs.files["a.csv"]
	delete(fs.files, "a.csv")
	h.removed(root, "a.csv") // a.csv does not exist under root: gone
	h.seen(t.Context(), root, "b.csv")
	p := h.pending()
	require.Len(t, p, 1)
	require.Equal(t, "b.csv", p[0].Rel)
	require.Equal(t, t0, p[0].FirstSeen)
	require.Equal(t, []string{"flagged a.csv @09:00"}, h.events(t), "a rename is not a new flag")
}

func TestTrackerOtherUsersCopyGetsItsOwnDeadline(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	other := personal(9, "aa")
	other.uid, other.owner = 1001, "tom"
	fs := &fakeFS{files: map[string]inspection{"a.csv": personal(1, "aa"), "tom.csv": other}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), "/home/jane/Downloads", "a.csv")
	c.Advance(10 * time.Hour)
	h.seen(t.Context(), "/home/tom/Downloads", "tom.csv")
	for _, f := range h.pending() {
		if f.Owner == "tom" {
			require.Equal(t, t0.Add(10*time.Hour), f.FirstSeen)
		}
	}
}

func TestTrackerChangedFileIsJudgedAgain(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"a.csv": personal(1, "aa"), "b.csv": personal(2, "bb")}}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), "/dl", "a.csv")
	h.seen(t.Context(), "/dl", "b.csv")
	// Both change behind the watcher's back: a.csv is still personal, b.csv
	// was encrypted in place.
	fs.mu.Lock()
	fs.files["a.csv"] = personal(1, "a2")
	fs.files["b.csv"] = inspection{result: classify.Result{Verdict: classify.Encrypted}, id: erase.Identity{Ino: 2, SHA256: "b2"}}
	fs.mu.Unlock()
	c.Advance(73 * time.Hour)
	require.Equal(t, []string{"a.csv"}, fs.erased)
	require.Contains(t, h.events(t), "unflagged b.csv @09:00")
}

func TestTrackerSkipsWhatItMustNotTouch(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	fs := &fakeFS{files: map[string]inspection{"link.csv": personal(1, "aa"), "busy.csv": personal(2, "bb")}}
	busy := 0
	fs.eraseFn = func(rel string) error {
		switch rel {
		case "link.csv":
			return erase.ErrReplaced
		case "busy.csv":
			if busy++; busy == 1 {
				return errors.New("sharing violation")
			}
		}
		return nil
	}
	h := newHarness(t, t.TempDir(), c, fs)
	h.seen(t.Context(), "/dl", "link.csv")
	h.seen(t.Context(), "/dl", "busy.csv")
	c.Advance(72 * time.Hour)
	require.Empty(t, fs.erased)
	ev := h.events(t)
	require.Contains(t, ev, "delete_skipped link.csv replaced @09:00")
	require.Contains(t, ev, "delete_skipped busy.csv error @09:00")
	c.Advance(retryDelete)
	require.Equal(t, []string{"busy.csv"}, fs.erased, "a passing error is retried, a replaced file never")
}
