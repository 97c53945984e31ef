//go:build darwin || windows

package volumes

// The OSes whose mount table is polled (poll.go) share their state: a
// channel that wakes the poll for Interrupt.

type osState struct {
	kick chan struct{} // wakes poll; made on first use, under mu
}

// kicker returns the channel that wakes poll.
func (w *Watcher) kicker() chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kick == nil {
		w.kick = make(chan struct{}, 1)
	}
	return w.kick
}

// wake makes poll look at w.done now.
func (w *Watcher) wake() {
	select {
	case w.kicker() <- struct{}{}:
	default:
	}
}
