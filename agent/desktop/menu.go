package desktop

import (
	"fmt"
	"slices"
	"time"

	"dataward/agent/ipc"
)

// Menu is what the tray icon shows: a tooltip, a status line and one item
// per pending file, soonest deletion first.
type Menu struct {
	Tooltip string
	Status  string
	Files   []MenuFile
}

// MenuFile is one pending file's item; its sub-items are "Delete now",
// Keep (when not empty) and "Show in folder".
type MenuFile struct {
	Path  string
	Label string
	Keep  string
}

// buildMenu is the menu for the agent's pending list at now; with running
// false the agent is away and no file is offered.
func buildMenu(pending []ipc.Pending, running bool, now time.Time, extension time.Duration) Menu {
	if !running {
		return Menu{Tooltip: LabelNotRunning, Status: LabelNotRunning}
	}
	ps := slices.Clone(pending)
	slices.SortStableFunc(ps, func(a, b ipc.Pending) int { return deleteTime(a).Compare(deleteTime(b)) })
	m := Menu{Tooltip: "dataward: no files to be deleted", Status: LabelNothing}
	if len(ps) > 0 {
		m.Status = fmt.Sprintf("dataward: %s to be deleted", countOf(len(ps), "file", "files"))
		m.Tooltip = m.Status
	}
	for _, p := range ps {
		m.Files = append(m.Files, MenuFile{Path: p.Path, Label: FileLabel(p, now), Keep: KeepLabel(p, extension)})
	}
	return m
}
