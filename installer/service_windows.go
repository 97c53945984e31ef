package installer

import (
	"context"

	"github.com/kardianos/service"

	"dataward/agent/routine"
)

// runUnder runs h as s until ctx ends or, under the service control
// manager, until it stops the service.
func runUnder(ctx context.Context, s service.Service, h *host) error {
	if service.Interactive() {
		// From a console kardianos/service waits for Ctrl+C alone; ctx
		// covers that and the program ending by itself.
		if err := h.Start(s); err != nil {
			return err
		}
		<-ctx.Done()
		return h.Stop(s)
	}
	// The service control manager ends a service only on a stop request:
	// ask for one when ctx ends. Stop's error then gives the service an
	// error exit code, which the recovery actions answer by starting it
	// again (SetRecoveryActionsOnNonCrashFailures).
	ran := make(chan struct{})
	defer close(ran)
	routine.Go(h.log, "service-stop", func() {
		select {
		case <-ctx.Done():
			_ = within(context.Background(), stopTimeout, "stopping", s.Stop)
		case <-ran:
		}
	})
	return s.Run()
}
