// Package volumes watches the mount table and reports every mount that
// appears, goes away or changes its options (a USB stick mounted, a volume
// remounted read-only), so that the agent can block writes and scan within
// seconds of a mount, without polling the table in a busy loop.
package volumes

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"dataward/clock"

	"github.com/rs/zerolog"
)

// Each OS file defines:
//
//	// run watches until w.done is closed, keeping w.mounts and sending
//	// on w.events; it returns nil when interrupted.
//	func (w *Watcher) run() error
//
//	// wake makes a blocked run look at w.done and w.rescan; safe from any
//	// goroutine, at any time (also before and after run).
//	func (w *Watcher) wake()

// DefaultFallback is Options.Fallback when zero.
const DefaultFallback = 30 * time.Second

// eventBuffer lets a burst (the whole table at start, a desktop session's
// dozen mounts at login) wait for a slow consumer without stalling reads.
const eventBuffer = 256

// ErrAlreadyRun is returned by a second call of Execute.
var ErrAlreadyRun = errors.New("volumes: watcher already run")

// Options configures a Watcher.
type Options struct {
	// SysRoot prefixes /proc/self/mountinfo; "/" if empty. Tests point it
	// at testdata.
	SysRoot string
	// Clock times Fallback; clock.Real if nil.
	Clock clock.Clock
	// Log gets the watcher's messages, with component=volumes.
	Log zerolog.Logger
	// Fallback is how often the table is re-read even without a change
	// notification, for filesystems and OSes that give none and as a
	// reconcile; DefaultFallback if zero.
	Fallback time.Duration
}

// Watcher reports changes of the mount table as Events. It is a run-group
// actor: Execute runs it, Interrupt stops it.
type Watcher struct {
	o      Options
	log    zerolog.Logger
	events chan Event
	done   chan struct{}
	stop   sync.Once
	ran    sync.Once

	mu      sync.Mutex
	mounts  []Mount
	rescan  bool // the Fallback timer fired
	osState      // per-OS, guarded by mu
}

// New returns a Watcher; nothing runs until Execute.
func New(o Options) *Watcher {
	if o.SysRoot == "" {
		o.SysRoot = "/"
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Fallback <= 0 {
		o.Fallback = DefaultFallback
	}
	return &Watcher{
		o:      o,
		log:    o.Log.With().Str("component", "volumes").Logger(),
		events: make(chan Event, eventBuffer),
		done:   make(chan struct{}),
	}
}

// mountinfoPath is the table Execute reads on Linux.
func (w *Watcher) mountinfoPath() string {
	return filepath.Join(w.o.SysRoot, "proc", "self", "mountinfo")
}

// Events returns the channel of changes; it is closed when Execute returns.
// Every mount present when Execute starts comes first, as Mounted.
func (w *Watcher) Events() <-chan Event { return w.events }

// Mounts returns the table as last read; nil before Execute has read it.
func (w *Watcher) Mounts() []Mount {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.mounts)
}

// Execute watches until Interrupt and then returns nil. It returns an
// error if the table cannot be read or watched at start (wrapping
// errors.ErrUnsupported where the OS has no implementation yet). Call it
// once.
func (w *Watcher) Execute() error {
	err := ErrAlreadyRun
	w.ran.Do(func() {
		defer close(w.events)
		err = w.run()
	})
	return err
}

// Interrupt stops Execute; it may be called any number of times, before or
// after Execute.
func (w *Watcher) Interrupt(error) {
	w.stop.Do(func() {
		close(w.done)
		w.wake()
	})
}

func (w *Watcher) stopped() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// update stores the new table and sends the difference; it reports false
// if interrupted while a consumer was slow.
func (w *Watcher) update(ms []Mount) bool {
	w.mu.Lock()
	old := w.mounts
	w.mounts = ms
	w.mu.Unlock()
	for _, ev := range diff(old, ms) {
		w.log.Debug().Stringer("op", ev.Op).Int("mount_id", ev.Mount.ID).
			Str("point", ev.Mount.Point).Str("fstype", ev.Mount.FSType).
			Bool("read_only", ev.Mount.ReadOnly).Msg("mount event")
		select {
		case w.events <- ev:
		case <-w.done:
			return false
		}
	}
	return true
}
