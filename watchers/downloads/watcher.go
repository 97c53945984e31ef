package downloads

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"dataward/clock"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"
)

// Defaults of Options.
const (
	DefaultSettle     = 2 * time.Second
	DefaultRediscover = 30 * time.Second
)

const (
	// eventBuffer is the Events channel's buffer. Beyond it the watcher
	// waits for the consumer, the kernel's queue fills, and its overflow
	// makes a rescan: slow consumers cost time, never files.
	eventBuffer = 1024
	// maxPending bounds the paths waiting to settle; past it the watcher
	// forgets the newcomers and rescans once the burst has settled.
	maxPending = 1 << 16
)

// Op is what happened to a file.
type Op uint8

// The Ops.
const (
	// Ready means the file is a regular file that has not changed for
	// Settle and that no browser is still writing. A file is Ready again
	// after it changes, and after a rescan; consumers dedupe.
	Ready Op = iota + 1
	// Removed means a file reported Ready was deleted or renamed away, is
	// no longer a regular file, or is in a root no longer watched.
	Removed
)

// String returns the Op's name.
func (o Op) String() string {
	switch o {
	case Ready:
		return "ready"
	case Removed:
		return "removed"
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Event is a file becoming ready or going away. Path was checked when the
// event was made, and its owner can change it at any time since: act on it
// only through a handle opened beneath Root.Path without following links.
type Event struct {
	Op      Op
	Root    Root
	Path    string    // absolute
	Rel     string    // Path relative to Root.Path
	Size    int64     // for Ready
	ModTime time.Time // for Ready
}

// Options configures a Watcher.
type Options struct {
	System System
	Find   FindOptions
	// Settle is how long a file's size and modification time must stay the
	// same before it is Ready; DefaultSettle if zero.
	Settle time.Duration
	// Rediscover is how often FindRoots runs again, so that users and
	// folders created later are watched without a restart;
	// DefaultRediscover if zero.
	Rediscover time.Duration
	Clock      clock.Clock // clock.Real if nil
	Log        zerolog.Logger
}

// Watcher watches the roots FindRoots finds, recursively, and turns the raw
// fsnotify events into one Ready per settled file. It is an actor of the
// agent's run group: Execute runs it until Interrupt.
type Watcher struct {
	o           Options
	log         zerolog.Logger
	out         chan Event
	done        chan struct{}
	stop        sync.Once
	sweepC      chan struct{}
	rediscoverC chan struct{}
	maxPending  int

	mu    sync.Mutex
	roots []Root

	// The rest belongs to Execute's goroutine.
	fsw             *fsnotify.Watcher
	active          map[string]*rootState // by Root.Path
	dirs            map[string]*rootState // every watched directory
	pending         map[string]*pending
	overflowed      bool // pending was full and paths were dropped
	sweepTimer      clock.Timer
	rediscoverTimer clock.Timer
	lastProblem     string            // FindRoots' last error, logged once
	unreadable      map[string]string // root path: the error last logged for it
}

type rootState struct {
	Root
	id    fs.FileInfo         // the folder when added: if the path later leads elsewhere, the root is dropped
	files map[string]struct{} // reported Ready and not since Removed
}

// pending is a path waiting to settle: it is Ready when a look at due finds
// the size and modification time seen last.
type pending struct {
	rs    *rootState
	size  int64
	mtime time.Time
	due   time.Time
}

// New returns a Watcher; Execute starts it.
func New(o Options) *Watcher {
	if o.Settle <= 0 {
		o.Settle = DefaultSettle
	}
	if o.Rediscover <= 0 {
		o.Rediscover = DefaultRediscover
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	return &Watcher{
		o:           o,
		log:         o.Log.With().Str("component", "downloads").Logger(),
		out:         make(chan Event, eventBuffer),
		done:        make(chan struct{}),
		sweepC:      make(chan struct{}, 1),
		rediscoverC: make(chan struct{}, 1),
		maxPending:  maxPending,
		active:      map[string]*rootState{},
		dirs:        map[string]*rootState{},
		pending:     map[string]*pending{},
		unreadable:  map[string]string{},
	}
}

// Events returns the channel of Ready and Removed events. Execute closes it
// when it returns.
func (w *Watcher) Events() <-chan Event { return w.out }

// Roots returns the roots being watched now, sorted by path. A root found
// but not existing yet is not among them.
func (w *Watcher) Roots() []Root {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.roots)
}

// Interrupt makes Execute return; it may be called more than once, and
// before Execute.
func (w *Watcher) Interrupt(error) { w.stop.Do(func() { close(w.done) }) }

// Execute watches until Interrupt and then returns nil; it returns an error
// only if the OS's file watcher cannot start or stops by itself. Call it
// once.
func (w *Watcher) Execute() error {
	defer close(w.out)
	if w.stopped() {
		return nil
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("starting file watcher: %w", err)
	}
	w.fsw = fsw
	defer func() {
		for _, t := range []clock.Timer{w.sweepTimer, w.rediscoverTimer} {
			if t != nil {
				t.Stop()
			}
		}
		if err := fsw.Close(); err != nil {
			w.log.Warn().Err(err).Msg("closing file watcher")
		}
		w.mu.Lock()
		w.roots = nil
		w.mu.Unlock()
	}()
	w.rediscover()
	for {
		select {
		case <-w.done:
			return nil
		case ev, ok := <-fsw.Events:
			if !ok {
				return errors.New("file watcher stopped")
			}
			w.handle(ev)
		case err, ok := <-fsw.Errors:
			if !ok {
				return errors.New("file watcher stopped")
			}
			// An overflow (fsnotify.ErrEventOverflow) lost events; any other
			// error may have too.
			w.rescan(err.Error())
		case <-w.sweepC:
			w.sweepTimer = nil
			w.drain()
			w.sweep()
		case <-w.rediscoverC:
			w.rediscover()
		}
	}
}

func (w *Watcher) stopped() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *Watcher) send(ev Event) {
	select {
	case w.out <- ev:
	case <-w.done:
	}
}

func kick(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// rediscover runs FindRoots, starts watching the new roots and stops
// watching those gone, and sets the next rediscovery.
func (w *Watcher) rediscover() {
	w.rediscoverTimer = w.o.Clock.AfterFunc(w.o.Rediscover, func() { kick(w.rediscoverC) })
	roots, err := FindRoots(w.o.System, w.o.Find)
	w.problem(err)
	if err != nil && !errors.Is(err, ErrSkipped) {
		return // keep the roots we have rather than drop them on a bad read
	}
	want := map[string]Root{}
	for _, r := range roots {
		want[r.Path] = r
	}
	for p, rs := range w.active {
		r, ok := want[p]
		switch {
		case !ok:
			w.dropRoot(rs, "no longer a root")
		case !w.intact(rs):
			w.dropRoot(rs, "root moved or replaced")
		default:
			rs.Root = r
		}
	}
	for _, r := range roots {
		if _, ok := w.active[r.Path]; !ok && !w.stopped() {
			w.addRoot(r)
		}
	}
	w.publish()
}

// problem logs FindRoots' error when it differs from the last one:
// rediscovery would otherwise repeat the same warning every time.
func (w *Watcher) problem(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if msg != w.lastProblem && err != nil {
		w.log.Warn().Err(err).Msg("finding roots")
	}
	w.lastProblem = msg
}

func (w *Watcher) publish() {
	roots := make([]Root, 0, len(w.active))
	for _, rs := range w.active {
		roots = append(roots, rs.Root)
	}
	slices.SortFunc(roots, func(a, b Root) int { return strings.Compare(a.Path, b.Path) })
	w.mu.Lock()
	w.roots = roots
	w.mu.Unlock()
}

// addRoot starts watching r if it exists; if not, the next rediscovery
// tries again.
func (w *Watcher) addRoot(r Root) {
	fi, err := os.Lstat(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.log.Debug().Str("root", r.Path).Msg("root does not exist yet")
		return
	case err != nil:
		w.log.Warn().Err(err).Str("root", r.Path).Msg("cannot watch root")
		return
	case fi.Mode().Type() != fs.ModeDir:
		w.log.Warn().Str("root", r.Path).Msg("root is a link or not a directory")
		return
	}
	// On Windows the file ID behind SameFile is read lazily, by path: read
	// it now, while the path leads to this folder.
	os.SameFile(fi, fi)
	rs := &rootState{Root: r, id: fi, files: map[string]struct{}{}}
	w.active[r.Path] = rs
	w.publish()
	w.scanRoot(rs)
	if w.active[r.Path] == rs {
		w.log.Info().Str("root", r.Path).Str("user", r.User).Str("source", r.Source).Msg("watching root")
	}
}

// intact reports whether rs's path still leads to the folder first watched:
// a user can rename their Downloads and put a link in its place, and the
// old watches would then report paths that lead through the link.
func (w *Watcher) intact(rs *rootState) bool {
	fi, err := os.Lstat(rs.Path)
	return err == nil && fi.Mode().Type() == fs.ModeDir && os.SameFile(fi, rs.id)
}

// dropRoot stops watching rs and reports its files Removed.
func (w *Watcher) dropRoot(rs *rootState, why string) {
	w.log.Info().Str("root", rs.Path).Str("reason", why).Msg("stopped watching root")
	delete(w.active, rs.Path)
	w.dropTree(rs, rs.Path)
	w.publish()
}

// dropTree stops watching dir and everything beneath it and reports its
// files Removed: once a directory moves, its watches would report its
// contents under the old names.
func (w *Watcher) dropTree(rs *rootState, dir string) {
	for d := range w.dirs {
		if inside(dir, d) {
			// The kernel may have dropped the watch already, with the folder.
			_ = w.fsw.Remove(d)
			delete(w.dirs, d)
		}
	}
	for p := range w.pending {
		if inside(dir, p) {
			delete(w.pending, p)
		}
	}
	for p := range rs.files {
		if inside(dir, p) {
			w.forget(rs, p)
		}
	}
}

// rescan looks at every file of every root again, after events were lost.
func (w *Watcher) rescan(why string) {
	w.log.Warn().Str("reason", why).Msg("rescanning all roots")
	for _, rs := range w.active {
		if w.stopped() {
			return
		}
		if !w.intact(rs) {
			w.dropRoot(rs, "root moved or replaced")
			continue
		}
		w.scanRoot(rs)
	}
}

// scanRoot scans a whole root. One that cannot be read is dropped for the
// next rediscovery to try again: macOS, for one, refuses a daemon the
// Downloads folder until it is given Full Disk Access.
func (w *Watcher) scanRoot(rs *rootState) {
	err := w.scan(rs, rs.Path, true)
	if err == nil {
		delete(w.unreadable, rs.Path)
		return
	}
	if w.unreadable[rs.Path] != err.Error() {
		w.log.Warn().Err(err).Str("root", rs.Path).Msg("cannot read root; will retry")
		w.unreadable[rs.Path] = err.Error()
	}
	delete(w.active, rs.Path)
	w.dropTree(rs, rs.Path)
	w.publish()
}

// scan watches dir and every real directory beneath it, and marks every
// file there; it fails only if dir itself cannot be read. A full scan, of a
// whole root, also forgets the directories and files that are gone, since
// their events may have been lost.
func (w *Watcher) scan(rs *rootState, dir string, full bool) error {
	if dir != rs.Path {
		rel, err := filepath.Rel(rs.Path, dir)
		if err != nil {
			return err
		}
		fi, err := lstatBeneath(rs.Path, rel)
		if err != nil {
			return err
		}
		if fi.Mode().Type() != fs.ModeDir {
			return fmt.Errorf("%s: %w", dir, errNotRealDir)
		}
	}
	seen := map[string]bool{}
	var failed int
	var failure error
	// WalkDir does not follow links: a linked directory is not a directory
	// here, so it is neither entered nor watched.
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if w.stopped() {
			return filepath.SkipAll
		}
		if err != nil {
			if p == dir {
				return err
			}
			failed, failure = failed+1, err
			return nil
		}
		seen[p] = true
		switch {
		case d.IsDir():
			if p != dir && isBundle(d.Name()) {
				return filepath.SkipDir
			}
			if err := w.fsw.Add(p); err != nil {
				if p == dir {
					return fmt.Errorf("watching %s: %w", p, err)
				}
				failed, failure = failed+1, err
				return nil
			}
			w.dirs[p] = rs
		case d.Type().IsRegular():
			if fi, err := d.Info(); err == nil {
				w.mark(rs, p, fi, true)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		// Most often fs.inotify.max_user_watches, or a folder root cannot read.
		w.log.Warn().Err(failure).Int("count", failed).Str("root", rs.Path).Msg("cannot watch or read some folders")
	}
	if !full || w.stopped() {
		return nil
	}
	for d, r := range w.dirs {
		if r == rs && !seen[d] {
			_ = w.fsw.Remove(d) // already gone, as its folder is
			delete(w.dirs, d)
		}
	}
	for p := range rs.files {
		if !seen[p] {
			w.forget(rs, p)
		}
	}
	return nil
}
