//go:build !linux && !windows && !darwin

package desktop

import (
	"errors"
	"fmt"

	"github.com/rs/zerolog"
)

func newNotifier(zerolog.Logger) (Notifier, error) {
	return nil, fmt.Errorf("desktop notifications: %w", errors.ErrUnsupported)
}
