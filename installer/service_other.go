//go:build !windows

package installer

import (
	"context"

	"github.com/kardianos/service"
)

// runUnder runs h as s until ctx ends: kardianos/service's Run starts it,
// waits for ctx (the RunWait option) and stops it.
func runUnder(_ context.Context, s service.Service, h *host) error {
	return s.Run()
}
