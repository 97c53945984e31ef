package desktop

import (
	"runtime/debug"

	"github.com/rs/zerolog"
)

// goSafe runs f in a goroutine that logs and recovers a panic: a bad
// notification or menu click must not take the helper down. Every
// goroutine of this package starts here.
func goSafe(log zerolog.Logger, name string, f func()) {
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error().Str("goroutine", name).Interface("panic", p).Bytes("stack", debug.Stack()).Msg("recovered panic")
			}
		}()
		f()
	}()
}
