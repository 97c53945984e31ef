package volumes

import (
	"time"

	"dataward/clock"
)

// pollInterval is how often the macOS and Windows watchers read the mount
// table, which neither OS can be asked to report changes of without a
// framework (DiskArbitration) or a window to receive messages: a new mount
// is seen within it. A read is one getfsstat(2) call on macOS and a few
// calls per drive letter on Windows, so reading every second costs little;
// the diff sends events only for what changed.
const pollInterval = time.Second

// poll is run for the OSes that are polled: it reads the table with read at
// start, sends it, and reads it again every pollInterval (or Fallback, if
// shorter) and whenever kick receives, until w.done is closed. It returns
// read's error at start; later errors are logged, once until the table can
// be read again, and the next period tries again. kick must be buffered;
// wake and the timer send to it without blocking.
func (w *Watcher) poll(kick chan struct{}, read func() ([]Mount, error)) error {
	if w.stopped() {
		return nil
	}
	ids := newMountIDs()
	ms, err := read()
	if err != nil {
		return err
	}
	if !w.update(ids.assign(ms)) {
		return nil
	}
	every := min(pollInterval, w.o.Fallback)
	var timer clock.Timer
	arm := func() {
		timer = w.o.Clock.AfterFunc(every, func() {
			select {
			case kick <- struct{}{}:
			default:
			}
		})
	}
	arm()
	defer func() { timer.Stop() }()
	failing := ""
	for {
		select {
		case <-w.done:
			return nil
		case <-kick:
		}
		if w.stopped() {
			return nil
		}
		timer.Stop()
		ms, err := read()
		arm()
		if err != nil {
			if err.Error() != failing {
				failing = err.Error()
				w.log.Warn().Err(err).Msg("reading mount table")
			}
			continue
		}
		if failing != "" {
			failing = ""
			w.log.Info().Msg("mount table readable again")
		}
		if !w.update(ids.assign(ms)) {
			return nil
		}
	}
}

// mountKey is what a polled mount is known by: these OSes give mounts no
// ID, so the same place showing the same device is the same mount. n tells
// apart two identical entries in one table.
type mountKey struct {
	point, source string
	n             int
}

// mountIDs gives each mount a synthetic ID that stays the same for the life
// of the watcher, which diff keys on. A mount that goes away and comes back
// at the same place from the same device gets its old ID: between two reads
// that is a remount (diff reports Changed when its options differ), and
// after a read without it, diff has already reported it Unmounted.
type mountIDs struct {
	next int
	ids  map[mountKey]int
}

func newMountIDs() *mountIDs { return &mountIDs{ids: make(map[mountKey]int)} }

// assign sets the ID of every mount in ms and returns ms.
func (t *mountIDs) assign(ms []Mount) []Mount {
	seen := make(map[mountKey]int, len(ms))
	for i := range ms {
		base := mountKey{point: ms[i].Point, source: ms[i].Source}
		k := base
		k.n = seen[base]
		seen[base]++
		id, ok := t.ids[k]
		if !ok {
			t.next++
			id = t.next
			t.ids[k] = id
		}
		ms[i].ID = id
	}
	return ms
}
