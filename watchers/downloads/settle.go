package downloads

// This file turns raw fsnotify events into Ready and Removed: events only
// mark paths, and a sweep reports those that have settled.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// handle turns one raw event into marks: nothing is decided on it alone.
func (w *Watcher) handle(ev fsnotify.Event) {
	p := ev.Name
	rs := w.dirs[filepath.Dir(p)]
	if rs == nil {
		if rs = w.dirs[p]; rs == nil {
			return // from a watch already dropped
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.gone(rs, p)
	}
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) || ev.Has(fsnotify.Chmod) {
		w.touch(rs, p)
	}
}

// drain handles the events fsnotify already holds, so that a sweep judges
// files knowing every change it can; a bounded number, so that a flood
// cannot hold the sweep back.
func (w *Watcher) drain() {
	for range 1024 {
		select {
		case ev := <-w.fsw.Events:
			w.handle(ev)
		default:
			return
		}
	}
}

// touch marks p changed: a pending path waits longer, a new directory is
// watched and scanned (files may have landed before its watch).
func (w *Watcher) touch(rs *rootState, p string) {
	if _, ok := w.dirs[p]; ok {
		return
	}
	if pe, ok := w.pending[p]; ok {
		pe.due = w.o.Clock.Now().Add(w.o.Settle)
		return
	}
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.gone(rs, p)
	case err != nil:
		// Unreadable now (permissions, I/O); its next event or a rescan retries.
	case fi.IsDir():
		if !isBundle(fi.Name()) {
			// An error means the folder went again, or became a link: its
			// own events follow.
			_ = w.scan(rs, p, false)
		}
	case fi.Mode().IsRegular():
		w.mark(rs, p, fi, false)
	}
}

// gone handles p's removal or renaming away, file or directory.
func (w *Watcher) gone(rs *rootState, p string) {
	delete(w.pending, p)
	w.forget(rs, p)
	if _, ok := w.dirs[p]; !ok {
		return
	}
	if p == rs.Path {
		w.dropRoot(rs, "root removed or moved")
		return
	}
	w.dropTree(rs, p)
}

// mark starts p's wait to settle. A scan reports at once a file that has
// not changed for longer than Settle already.
func (w *Watcher) mark(rs *rootState, p string, fi fs.FileInfo, scan bool) {
	if ignored(filepath.Base(p)) {
		return
	}
	now := w.o.Clock.Now()
	if pe, ok := w.pending[p]; ok {
		pe.due = now.Add(w.o.Settle)
		return
	}
	if scan && now.Sub(fi.ModTime()) >= w.o.Settle {
		if fi, ok := w.inspect(rs, p); ok {
			w.ready(rs, p, fi)
		}
		return
	}
	if len(w.pending) >= w.maxPending {
		if !w.overflowed {
			w.log.Warn().Int("pending", len(w.pending)).Msg("too many files changing; will rescan")
		}
		w.overflowed = true
	} else {
		w.pending[p] = &pending{rs: rs, size: fi.Size(), mtime: fi.ModTime(), due: now.Add(w.o.Settle)}
	}
	w.armSweep()
}

// sweep reports the pending files that have settled and sets the rest to
// wait again.
func (w *Watcher) sweep() {
	now := w.o.Clock.Now()
	intact := map[*rootState]bool{}
	for p, pe := range w.pending {
		if w.stopped() {
			return
		}
		if pe.due.After(now) {
			continue
		}
		ok, known := intact[pe.rs]
		if !known {
			ok = w.intact(pe.rs)
			intact[pe.rs] = ok
			if !ok {
				w.dropRoot(pe.rs, "root moved or replaced")
			}
		}
		if !ok {
			continue
		}
		fi, ok := w.inspect(pe.rs, p)
		switch {
		case !ok:
			delete(w.pending, p)
			w.forget(pe.rs, p)
		case fi.Size() != pe.size || !fi.ModTime().Equal(pe.mtime):
			pe.size, pe.mtime, pe.due = fi.Size(), fi.ModTime(), now.Add(w.o.Settle)
		default:
			delete(w.pending, p)
			w.ready(pe.rs, p, fi)
		}
	}
	if w.overflowed {
		w.overflowed = false
		w.rescan("too many files changing at once")
	}
	w.armSweep()
}

// armSweep sets the sweep timer for the earliest pending path, an eighth of
// Settle late so that one sweep settles many paths.
func (w *Watcher) armSweep() {
	if w.sweepTimer != nil || (len(w.pending) == 0 && !w.overflowed) {
		return
	}
	now := w.o.Clock.Now()
	first := now.Add(w.o.Settle)
	for _, pe := range w.pending {
		if pe.due.Before(first) {
			first = pe.due
		}
	}
	w.sweepTimer = w.o.Clock.AfterFunc(first.Sub(now)+w.o.Settle/8, func() { kick(w.sweepC) })
}

// inspect returns p's Lstat if p may be reported: a regular file, reached
// from its root through real directories only, that no browser is writing.
func (w *Watcher) inspect(rs *rootState, p string) (fs.FileInfo, bool) {
	if ignored(filepath.Base(p)) {
		return nil, false
	}
	rel, err := filepath.Rel(rs.Path, p)
	if err != nil {
		return nil, false
	}
	fi, err := lstatBeneath(rs.Path, rel)
	if err != nil || !fi.Mode().IsRegular() || hasPartner(p) {
		return nil, false
	}
	return fi, true
}

func (w *Watcher) ready(rs *rootState, p string, fi fs.FileInfo) {
	rs.files[p] = struct{}{}
	w.send(Event{Op: Ready, Root: rs.Root, Path: p, Rel: relPath(rs, p), Size: fi.Size(), ModTime: fi.ModTime()})
}

// forget reports p Removed if it was reported Ready.
func (w *Watcher) forget(rs *rootState, p string) {
	if _, ok := rs.files[p]; !ok {
		return
	}
	delete(rs.files, p)
	w.send(Event{Op: Removed, Root: rs.Root, Path: p, Rel: relPath(rs, p)})
}

func relPath(rs *rootState, p string) string {
	r, err := filepath.Rel(rs.Path, p)
	if err != nil {
		return p
	}
	return r
}

// In-progress download names (platform.md §5.4): Chrome and Edge write
// <name>.crdownload, Firefox <name>.part, Safari a <name>.download bundle
// folder, each renamed when complete.
var partSuffixes = []string{".crdownload", ".part", ".download"}

// ignored reports whether a file name is a download in progress or an
// Office lock file ("~$name"), which holds no document.
func ignored(name string) bool {
	if strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	for _, s := range partSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// isBundle reports whether a directory is Safari's download in progress.
func isBundle(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".download") }

// hasPartner reports whether a browser is still writing p under another
// name: Firefox keeps an empty placeholder with the final name beside its
// .part file.
func hasPartner(p string) bool {
	for _, s := range []string{".part", ".crdownload"} {
		if _, err := os.Lstat(p + s); err == nil {
			return true
		}
	}
	return false
}
