// Package routine starts the agent's and the desktop helper's goroutines:
// none is started bare (STYLE.md), so a panic from one bad input is logged
// and recovered instead of taking the whole process down.
package routine

import (
	"runtime/debug"

	"github.com/rs/zerolog"
)

// Go runs f in a goroutine that logs and recovers a panic.
func Go(log zerolog.Logger, name string, f func()) {
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error().Str("goroutine", name).Interface("panic", p).Bytes("stack", debug.Stack()).Msg("recovered panic")
			}
		}()
		f()
	}()
}
