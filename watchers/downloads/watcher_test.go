package downloads

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dataward/clock"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

const settle = 2 * time.Second

// harness runs a Watcher on a fake clock and collects its events and logs.
type harness struct {
	t    *testing.T
	w    *Watcher
	clk  *clock.Fake
	got  []Event
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// logged waits until the watcher has logged msg.
func (h *harness) logged(msg string) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		h.logs.mu.Lock()
		defer h.logs.mu.Unlock()
		return strings.Contains(h.logs.b.String(), `"message":"`+msg+`"`)
	}, 10*time.Second, 5*time.Millisecond, "log %q", msg)
}

// start runs a Watcher with o until the test ends; tweak adjusts it before
// it starts.
func start(t *testing.T, o Options, tweak ...func(*Watcher)) *harness {
	t.Helper()
	clk := clock.NewFake(time.Now())
	o.Clock, o.Settle = clk, settle
	logs := &syncBuffer{}
	o.Log = zerolog.New(io.MultiWriter(zerolog.NewTestWriter(t), logs)).Level(zerolog.InfoLevel)
	w := New(o)
	for _, f := range tweak {
		f(w)
	}
	done := make(chan error, 1)
	go func() { done <- w.Execute() }()
	t.Cleanup(func() {
		w.Interrupt(nil)
		require.NoError(t, <-done)
	})
	return &harness{t: t, w: w, clk: clk, logs: logs}
}

// watching starts a Watcher on the watch.paths folders and waits until
// every one that exists is watched.
func watching(t *testing.T, dirs ...string) *harness {
	t.Helper()
	h := start(t, Options{Find: FindOptions{Extra: dirs}})
	n := 0
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			n++
		}
	}
	require.Eventually(t, func() bool { return len(h.w.Roots()) == n }, 10*time.Second, 5*time.Millisecond)
	return h
}

// until collects events, moving the fake clock on by a quarter of Settle
// whenever none has come for a moment, until done accepts what came.
func (h *harness) until(what string, done func([]Event) bool) {
	h.t.Helper()
	deadline := time.After(20 * time.Second)
	for !done(h.got) {
		select {
		case ev, ok := <-h.w.Events():
			require.True(h.t, ok, "events closed")
			h.got = append(h.got, ev)
		case <-time.After(10 * time.Millisecond):
			h.clk.Advance(settle / 4)
		case <-deadline:
			h.t.Fatalf("waiting for %s; got %d events: %v", what, len(h.got), h.got)
		}
	}
}

// quiet collects what comes while the clock moves on by several Settles.
func (h *harness) quiet() {
	h.t.Helper()
	n := 0
	h.until("quiet", func([]Event) bool { n++; return n > 40 })
}

// count returns how many events op has had for path.
func (h *harness) count(op Op, path string) int {
	n := 0
	for _, ev := range h.got {
		if ev.Op == op && ev.Path == path {
			n++
		}
	}
	return n
}

func (h *harness) has(op Op, paths ...string) func([]Event) bool {
	return func([]Event) bool {
		for _, p := range paths {
			if h.count(op, p) == 0 {
				return false
			}
		}
		return true
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}

func TestReadyOnceAfterSettle(t *testing.T) {
	t.Parallel()
	root, elsewhere := t.TempDir(), t.TempDir()
	h := watching(t, root)

	// A browser renames a finished download into place: one event.
	write(t, filepath.Join(elsewhere, "members.csv"), "name,email\n")
	created := h.clk.Now()
	path := filepath.Join(root, "members.csv")
	require.NoError(t, os.Rename(filepath.Join(elsewhere, "members.csv"), path))
	h.until("members.csv", h.has(Ready, path))
	require.GreaterOrEqual(t, h.clk.Now().Sub(created), settle, "not before it settled")
	h.quiet()
	require.Len(t, h.got, 1, "one file, one event: %v", h.got)
	ev := h.got[0]
	require.Equal(t, Event{Op: Ready, Root: h.w.Roots()[0], Path: path, Rel: "members.csv", Size: 11, ModTime: ev.ModTime}, ev)
	require.Equal(t, root, ev.Root.Path)
	require.Equal(t, SourceWatchPaths, ev.Root.Source)

	// Written in place, in pieces: reported with its final size.
	f, err := os.Create(filepath.Join(root, "big.csv"))
	require.NoError(t, err)
	for range 10 {
		_, err := f.WriteString("0123456789")
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())
	big := filepath.Join(root, "big.csv")
	h.until("big.csv", func(evs []Event) bool {
		last := evs[len(evs)-1]
		return last.Path == big && last.Size == 100
	})
}

func TestInProgressIgnoredUntilRenamed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	h := watching(t, root)
	p := func(name string) string { return filepath.Join(root, name) }

	write(t, p("a.zip.crdownload"), "chrome")
	write(t, p("Unconfirmed 123456.crdownload"), "chrome, before the safety check")
	write(t, p("b.pdf"), "") // Firefox's placeholder, beside the .part it writes
	write(t, p("b.pdf.part"), "firefox")
	write(t, p("c.dmg.download/c.dmg"), "safari")
	write(t, p("~$report.docx"), "office lock")
	write(t, p("sentinel.txt"), "")
	h.until("sentinel", h.has(Ready, p("sentinel.txt")))
	h.quiet()
	require.Len(t, h.got, 1, "only the sentinel: %v", h.got)

	require.NoError(t, os.Rename(p("a.zip.crdownload"), p("a.zip")))
	require.NoError(t, os.Rename(p("Unconfirmed 123456.crdownload"), p("notes.csv")))
	require.NoError(t, os.Rename(p("b.pdf.part"), p("b.pdf")))
	require.NoError(t, os.Rename(p("c.dmg.download/c.dmg"), p("c.dmg")))
	require.NoError(t, os.Remove(p("c.dmg.download")))
	h.until("renamed downloads", h.has(Ready, p("a.zip"), p("notes.csv"), p("b.pdf"), p("c.dmg")))
	for _, ev := range h.got {
		require.False(t, ignored(filepath.Base(ev.Path)), "reported %s", ev.Path)
		if ev.Path == p("b.pdf") {
			require.EqualValues(t, len("firefox"), ev.Size, "not the empty placeholder")
		}
	}
}

func TestNewSubdirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	h := watching(t, root)
	// Files land at once, before the watcher can watch the new folders.
	one, two := filepath.Join(root, "x", "1.txt"), filepath.Join(root, "x", "y", "2.txt")
	write(t, two, "2")
	write(t, one, "1")
	h.until("files in new folders", h.has(Ready, one, two))
	for _, ev := range h.got {
		if ev.Path == two {
			require.Equal(t, filepath.Join("x", "y", "2.txt"), ev.Rel)
		}
	}

	three := filepath.Join(root, "x", "y", "z", "3.txt")
	write(t, three, "3")
	h.until("a file in a deeper folder", h.has(Ready, three))
}

func TestLinksNotFollowed(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "another user's")
	symlink(t, outside, filepath.Join(root, "dirlink"))
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(root, "filelink"))
	h := watching(t, root)
	symlink(t, outside, filepath.Join(root, "later"))
	write(t, filepath.Join(outside, "new.txt"), "written after start")
	sentinel := filepath.Join(root, "sentinel.txt")
	write(t, sentinel, "")
	h.until("sentinel", h.has(Ready, sentinel))
	h.quiet()
	require.Len(t, h.got, 1, "only the sentinel: %v", h.got)
}

func TestRootCreatedLater(t *testing.T) {
	t.Parallel()
	later := filepath.Join(t.TempDir(), "later")
	h := watching(t, later)
	require.Empty(t, h.w.Roots())
	file := filepath.Join(later, "export.csv")
	write(t, file, "a,b\n")
	h.until("the new root's file", h.has(Ready, file)) // the clock passes a rediscovery
	require.Equal(t, []string{later}, rootPaths(h.w.Roots()))
}

func rootPaths(roots []Root) []string {
	var paths []string
	for _, r := range roots {
		paths = append(paths, r.Path)
	}
	return paths
}

func TestRemoved(t *testing.T) {
	t.Parallel()
	root, elsewhere := t.TempDir(), t.TempDir()
	p := func(name string) string { return filepath.Join(root, name) }
	for _, n := range []string{"deleted.txt", "moved.txt", "renamed.txt", "sub/inner.txt", "kept.txt"} {
		write(t, p(n), n)
	}
	h := watching(t, root)
	h.until("the files", h.has(Ready, p("deleted.txt"), p("moved.txt"), p("renamed.txt"), p("sub/inner.txt"), p("kept.txt")))

	require.NoError(t, os.Remove(p("deleted.txt")))
	require.NoError(t, os.Rename(p("moved.txt"), filepath.Join(elsewhere, "moved.txt")))
	require.NoError(t, os.Rename(p("renamed.txt"), p("new-name.txt")))
	require.NoError(t, os.RemoveAll(p("sub")))
	h.until("removals", h.has(Removed, p("deleted.txt"), p("moved.txt"), p("renamed.txt"), p("sub/inner.txt")))
	h.until("the new name", h.has(Ready, p("new-name.txt")))
	require.Zero(t, h.count(Removed, p("kept.txt")))

	// The root itself goes: everything in it is gone.
	require.NoError(t, os.RemoveAll(root))
	h.until("the root's removal", h.has(Removed, p("kept.txt"), p("new-name.txt")))
	require.Eventually(t, func() bool { return len(h.w.Roots()) == 0 }, 10*time.Second, 5*time.Millisecond)
}

// A user renames their watched folder away and puts a link in its place:
// the old watches must not report paths that now lead through the link.
func TestRootReplacedByLink(t *testing.T) {
	t.Parallel()
	home, victim := t.TempDir(), t.TempDir()
	root := filepath.Join(home, "Downloads")
	write(t, filepath.Join(root, "mine.txt"), "mine")
	write(t, filepath.Join(victim, "theirs.txt"), "theirs")
	h := watching(t, root)
	h.until("mine.txt", h.has(Ready, filepath.Join(root, "mine.txt")))

	require.NoError(t, os.Rename(root, filepath.Join(home, "old")))
	symlink(t, victim, root)
	write(t, filepath.Join(home, "old", "new.txt"), "written through the old watch")
	write(t, filepath.Join(victim, "new-theirs.txt"), "theirs")
	h.until("mine.txt removed", h.has(Removed, filepath.Join(root, "mine.txt")))
	h.quiet()
	for _, ev := range h.got {
		require.False(t, ev.Op == Ready && ev.Path != filepath.Join(root, "mine.txt"), "reported %v", ev)
	}
	require.Empty(t, h.w.Roots())
}

// The same with a folder inside the root.
func TestSubdirectoryReplacedByLink(t *testing.T) {
	t.Parallel()
	root, victim := t.TempDir(), t.TempDir()
	sub := filepath.Join(root, "sub")
	write(t, filepath.Join(sub, "mine.txt"), "mine")
	write(t, filepath.Join(victim, "theirs.txt"), "theirs")
	h := watching(t, root)
	h.until("mine.txt", h.has(Ready, filepath.Join(sub, "mine.txt")))

	require.NoError(t, os.Rename(sub, filepath.Join(root, "sub2")))
	symlink(t, victim, sub)
	write(t, filepath.Join(victim, "new-theirs.txt"), "theirs")
	moved := filepath.Join(root, "sub2", "mine.txt")
	h.until("the move", h.has(Removed, filepath.Join(sub, "mine.txt")))
	h.until("the moved file", h.has(Ready, moved))
	h.quiet()
	for _, ev := range h.got {
		require.False(t, ev.Op == Ready && strings.HasPrefix(ev.Path, sub+string(filepath.Separator)) && ev.Path != filepath.Join(sub, "mine.txt"), "reported %v", ev)
	}
}

func TestOverflowRescans(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	old := filepath.Join(root, "old.txt")
	write(t, old, "settled long ago")
	long := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(old, long, long))
	h := watching(t, root)
	h.until("old.txt at start", h.has(Ready, old))
	require.Equal(t, 1, h.count(Ready, old))

	// What fsnotify sends when the kernel's queue overflowed.
	h.w.fsw.Errors <- fsnotify.ErrEventOverflow
	h.until("old.txt again", func([]Event) bool { return h.count(Ready, old) == 2 })
	h.logged("rescanning all roots")
}

// A burst larger than the pending limit is not lost: the paths beyond it
// are found by the rescan that follows.
func TestPendingLimit(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	h := start(t, Options{Find: FindOptions{Extra: []string{root}}}, func(w *Watcher) { w.maxPending = 50 })
	require.Eventually(t, func() bool { return len(h.w.Roots()) == 1 }, 10*time.Second, 5*time.Millisecond)
	want := burst(t, root, 500)
	h.until("every file", reportedAll(want))
}

func TestTenThousandFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	h := watching(t, root)
	began := time.Now()
	want := burst(t, root, 10_000)
	h.until("every file", reportedAll(want))
	t.Logf("10,000 files reported in %v (%d events)", time.Since(began).Round(time.Millisecond), len(h.got))
}

// burst writes n files into dir at once and returns their paths.
func burst(t *testing.T, dir string, n int) map[string]bool {
	want := make(map[string]bool, n)
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("f%05d.csv", i))
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
		want[p] = true
	}
	return want
}

// reportedAll reports whether every path in want had a Ready.
func reportedAll(want map[string]bool) func([]Event) bool {
	seen := map[string]bool{}
	i := 0
	return func(evs []Event) bool {
		for ; i < len(evs); i++ {
			if evs[i].Op == Ready && want[evs[i].Path] {
				seen[evs[i].Path] = true
			}
		}
		return len(seen) == len(want)
	}
}

func TestInterruptBeforeExecute(t *testing.T) {
	t.Parallel()
	w := New(Options{Find: FindOptions{Extra: []string{t.TempDir()}}, Log: zerolog.Nop()})
	w.Interrupt(nil)
	w.Interrupt(nil)
	require.NoError(t, w.Execute())
	_, ok := <-w.Events()
	require.False(t, ok, "Events is closed once Execute returns")
}
