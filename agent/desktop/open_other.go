//go:build !linux && !windows && !darwin

package desktop

import (
	"errors"
	"fmt"

	"github.com/rs/zerolog"
)

func startReveal(zerolog.Logger, string) error {
	return fmt.Errorf("showing the folder: %w", errors.ErrUnsupported)
}
