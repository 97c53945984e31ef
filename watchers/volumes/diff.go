package volumes

import (
	"slices"
	"strconv"
)

// Op is what happened to a mount.
type Op uint8

// The Ops.
const (
	// Mounted means a mount appeared; the Watcher also reports every mount
	// present when it starts as Mounted, so that a stick inserted before
	// the agent started is handled like one inserted after.
	Mounted Op = iota + 1
	// Unmounted means a mount went away; Event.Mount is the last state seen.
	Unmounted
	// Changed means a mount stayed where it was but its options did, for
	// instance a remount from rw to ro.
	Changed
)

// String returns the Op's name.
func (o Op) String() string {
	switch o {
	case Mounted:
		return "mounted"
	case Unmounted:
		return "unmounted"
	case Changed:
		return "changed"
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText names the Op in JSON and logs.
func (o Op) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Event is a change of the mount table.
type Event struct {
	Op    Op
	Mount Mount
}

// sameMount reports whether a and b are one mount: the kernel reuses mount
// IDs after an unmount, so an ID showing another device or place is a new
// mount (a "mount --move" counts as unmount and mount, too).
func sameMount(a, b Mount) bool {
	return a.ID == b.ID && a.Major == b.Major && a.Minor == b.Minor &&
		a.Root == b.Root && a.Point == b.Point && a.FSType == b.FSType && a.Source == b.Source
}

// diff returns the events that turn old into new: Unmounted in old's order
// first, then Mounted and Changed in new's order.
func diff(old, new []Mount) []Event {
	byID := make(map[int]Mount, len(new))
	for _, m := range new {
		byID[m.ID] = m
	}
	var evs []Event
	for _, o := range old {
		if n, ok := byID[o.ID]; !ok || !sameMount(o, n) {
			evs = append(evs, Event{Op: Unmounted, Mount: o})
		}
	}
	oldByID := make(map[int]Mount, len(old))
	for _, m := range old {
		oldByID[m.ID] = m
	}
	for _, n := range new {
		o, ok := oldByID[n.ID]
		switch {
		case !ok || !sameMount(o, n):
			evs = append(evs, Event{Op: Mounted, Mount: n})
		case o.ReadOnly != n.ReadOnly || !slices.Equal(o.Options, n.Options) ||
			!slices.Equal(o.SuperOptions, n.SuperOptions):
			evs = append(evs, Event{Op: Changed, Mount: n})
		}
	}
	return evs
}
