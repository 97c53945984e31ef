//go:build linux || windows || (darwin && cgo)

package desktop

import (
	"runtime/debug"
	"sync"

	"fyne.io/systray"
	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// trayCall calls f, logging a panic in the tray library instead of
// passing it on: notifications go on without the icon.
func trayCall(log zerolog.Logger, f func()) {
	defer func() {
		if p := recover(); p != nil {
			log.Error().Interface("panic", p).Bytes("stack", debug.Stack()).Msg("tray icon failed")
		}
	}()
	f()
}

// systrayView draws a Menu with fyne.io/systray. An item stands for one
// file for as long as it lives: a menu the user opened before a redraw
// may still show old items, and a click on one must act on the file its
// label named, never on whichever file took its place. Items of files
// that left the list are removed; new files are added at the end, and the
// items are made again only when the order changes (after an extension).
type systrayView struct {
	log zerolog.Logger
	act func(key, path string)
	// protect offers "Encrypt a file for sharing…" for each file.
	protect bool

	mu     sync.Mutex
	status *systray.MenuItem
	files  []*fileItem // in menu order
}

type fileItem struct {
	path                  string
	item, del, keep, show *systray.MenuItem
	protect               *systray.MenuItem // nil without Options.Protect
}

func (v *systrayView) build() {
	systray.SetIcon(trayIcon())
	if trayTitle != "" {
		systray.SetTitle(trayTitle)
	}
	v.status = systray.AddMenuItem(LabelNotRunning, "")
	v.status.Disable()
	systray.AddSeparator()
}

func (v *systrayView) show(m Menu) {
	v.mu.Lock()
	defer v.mu.Unlock()
	systray.SetTooltip(m.Tooltip)
	v.status.SetTitle(m.Status)

	want := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		want[f.Path] = true
	}
	var kept []*fileItem
	for _, fi := range v.files {
		if want[fi.path] {
			kept = append(kept, fi)
		} else {
			fi.item.Remove() // closes the items' click channels
		}
	}
	for i, fi := range kept {
		if m.Files[i].Path != fi.path { // reordered: make them again
			for _, fi := range kept {
				fi.item.Remove()
			}
			kept = nil
			break
		}
	}
	v.files = kept
	for _, f := range m.Files[len(kept):] {
		v.files = append(v.files, v.add(f.Path))
	}
	for i, f := range m.Files {
		fi := v.files[i]
		fi.item.SetTitle(f.Label)
		if f.Keep == "" {
			fi.keep.Hide()
		} else {
			fi.keep.SetTitle(f.Keep)
			fi.keep.Show()
		}
	}
}

// add makes the items of one file, at the end of the menu.
func (v *systrayView) add(path string) *fileItem {
	fi := &fileItem{path: path, item: systray.AddMenuItem(FileName(path), path)}
	fi.del = fi.item.AddSubMenuItem(LabelDeleteNow, "")
	fi.keep = fi.item.AddSubMenuItem("", "")
	fi.show = fi.item.AddSubMenuItem(LabelShowInFolder, "")
	items := map[string]*systray.MenuItem{ActionDelete: fi.del, ActionKeep: fi.keep, ActionShow: fi.show}
	if v.protect {
		fi.protect = fi.item.AddSubMenuItem(LabelProtect, "")
		items[ActionProtect] = fi.protect
	}
	for key, it := range items {
		routine.Go(v.log, "menu clicks", func() {
			for range it.ClickedCh { // closed by Remove
				v.act(key, path)
			}
		})
	}
	return fi
}
