package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/kardianos/service"

	"dataward/agent/command"
)

// Deadlines of the service manager's work. kardianos/service takes no
// context, so each call runs under one of these.
const (
	// controlTimeout bounds a start or an enable.
	controlTimeout = 30 * time.Second
	// stopTimeout bounds a stop: the agent stops within 10 s, the service
	// managers kill it at 20 s (systemd's TimeoutStopSec= in our unit, the
	// SysV script, launchd's ExitTimeOut, Windows' WaitToKillServiceTimeout).
	stopTimeout = 30 * time.Second
)

// machine is the real System: kardianos/service for the service manager,
// dataward's command runner for the rest. The OS files add Privileged,
// Manager, Enable, Disable and Reload.
type machine struct {
	run *command.Runner
}

// idle is the program kardianos/service needs to hand out a Service that
// is only controlled, never run.
type idle struct{}

func (idle) Start(service.Service) error { return nil }
func (idle) Stop(service.Service) error  { return nil }

// kardianos returns kardianos/service's handle on s.
func kardianos(s Service) (service.Service, error) {
	ks, err := service.New(idle{}, kardianosConfig(s))
	if err != nil {
		return nil, fmt.Errorf("service manager: %w", err)
	}
	return ks, nil
}

// kardianosConfig is s for kardianos/service, with the Windows settings of
// windowsSettings (the other OSes ignore them: the installer writes their
// service files itself).
func kardianosConfig(s Service) *service.Config {
	w := windowsSettings(layout{Program: s.Program})
	opt := service.KeyValue{
		"StartType":        w.StartType,
		"DelayedAutoStart": w.DelayedAutoStart,
		"OnFailure":        w.Recovery[0].Action,
		// kardianos/service reads a time.Duration string and whole seconds.
		"OnFailureDelayDuration": time.Duration(w.Recovery[0].Delay).String(),
		"OnFailureResetPeriod":   int(time.Duration(w.ResetPeriod) / time.Second),
	}
	return &service.Config{
		Name:        s.Name,
		DisplayName: s.DisplayName,
		Description: s.Description,
		Executable:  s.Program,
		Arguments:   s.Arguments,
		Option:      opt,
	}
}

// present reports whether s's definition is on the machine. A service
// without a file (Windows) is asked about instead.
func (s Service) present() bool {
	if s.File == "" {
		return true
	}
	_, err := os.Stat(s.File)
	return err == nil
}

func (m machine) Start(ctx context.Context, s Service) error {
	ks, err := kardianos(s)
	if err != nil {
		return err
	}
	return within(ctx, controlTimeout, "starting "+s.Name, ks.Start)
}

func (m machine) Stop(ctx context.Context, s Service) error {
	if !s.present() {
		return nil
	}
	ks, err := kardianos(s)
	if err != nil {
		return err
	}
	st, err := ks.Status()
	if errors.Is(err, service.ErrNotInstalled) || (err == nil && st == service.StatusStopped) {
		return nil
	}
	return within(ctx, stopTimeout, "stopping "+s.Name, ks.Stop)
}

func (m machine) Restart(ctx context.Context, s Service) error {
	ks, err := kardianos(s)
	if err != nil {
		return err
	}
	return within(ctx, stopTimeout+controlTimeout, "restarting "+s.Name, ks.Restart)
}

func (m machine) Run(ctx context.Context, name string, args ...string) error {
	_, err := m.run.Run(ctx, name, args...)
	if errors.Is(err, command.ErrNotInstalled) {
		return fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return err
}

// within runs f, which takes no context, and gives up on it when ctx ends
// or after d. A panic in f is an error.
func within(ctx context.Context, d time.Duration, what string, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("%s: panic: %v", what, p)
			}
		}()
		done <- f()
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: no answer from the service manager: %w", what, ctx.Err())
	}
}
