//go:build windows || (darwin && cgo)

package desktop

import (
	"context"
	"errors"
	"time"

	"fyne.io/systray"
	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// runSystray runs the helper's loop in a goroutine and fyne.io/systray's
// event loop on this one, until the loop ends. Windows and macOS use it:
// their event loop must run on the thread that set the icon up.
func runSystray(ctx context.Context, log zerolog.Logger, h *helper) error {
	ready := make(chan struct{})
	done := make(chan error, 1)
	routine.Go(log, "helper loop", func() {
		err := errors.New("the helper loop panicked")
		defer func() {
			done <- err
			// A Quit before the event loop runs is lost (it goes to a
			// window not made yet), and the loop would then run for
			// ever: wait for it, a while.
			waited := make(chan struct{})
			t := h.o.Clock.AfterFunc(readyTimeout, func() { close(waited) })
			select {
			case <-ready:
			case <-waited:
			}
			t.Stop()
			systray.Quit()
		}()
		err = h.loop(ctx)
	})
	v := &systrayView{log: log, act: h.act, protect: h.o.Protect != nil}
	trayCall(log, func() {
		systray.Run(func() {
			v.build()
			h.attach(v)
			close(ready)
		}, nil)
	})
	return <-done
}

// readyTimeout bounds the wait for the tray's event loop to start.
const readyTimeout = 5 * time.Second
