package installer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kardianos/service"
	"github.com/rs/zerolog"
)

// programStopTimeout bounds Program.Stop under RunService: the agent stops
// within 10 s, the service managers wait 20 s.
const programStopTimeout = 15 * time.Second

// Program is what RunService runs: the agent (*agent.App). Start returns
// within a second or two (the Windows service control manager waits for
// it); Stop returns within the service manager's limits.
type Program interface {
	Start() error
	Stop() error
}

// openOSLog opens the OS log of a service; tests replace it.
var openOSLog = func(s service.Service) (service.Logger, error) { return s.SystemLogger(nil) }

// RunService runs prg as the service name: prg.Start, then prg.Stop when
// the service manager stops the service, or when ctx ends. Started by the
// Windows service control manager, it answers it as a service must.
// Starting and stopping, and their failures, go to log and to the OS log
// (journald through syslog, the Event Log under the source install
// registers, the unified log); the OS log is best effort: without one, log
// alone has them.
//
// The caller ends ctx on SIGTERM and SIGINT, and when prg ends by itself
// (the agent's Supervisor calls its exit function): RunService then
// returns Stop's error, so that the process exits with an error and the
// service manager starts it again (Restart=always, KeepAlive, the Windows
// recovery actions, the SysV supervisor).
func RunService(ctx context.Context, name string, prg Program, log zerolog.Logger) error {
	h := &host{name: name, prg: prg, log: log.With().Str("component", "service").Logger()}
	s, err := service.New(h, &service.Config{
		Name: name,
		Option: service.KeyValue{
			// Unix: wait for ctx rather than kardianos/service's own
			// signal handler.
			"RunWait": func() { <-ctx.Done() },
		},
	})
	if err != nil {
		return fmt.Errorf("service manager: %w", err)
	}
	if l, err := openOSLog(s); err == nil {
		h.os = l
	} else {
		h.log.Debug().Err(err).Msg("no os log")
	}
	return runUnder(ctx, s, h)
}

// host is the program kardianos/service runs: prg, with its lifecycle
// logged.
type host struct {
	name string
	prg  Program
	log  zerolog.Logger
	os   service.Logger // nil without an OS log
}

func (h *host) Start(s service.Service) error {
	h.log.Info().Str("platform", s.Platform()).Msg("service starting")
	if err := h.prg.Start(); err != nil {
		h.log.Error().Err(err).Msg("service failed to start")
		h.osLog(service.Logger.Errorf, "%s failed to start: %v", h.name, err)
		return err
	}
	h.log.Info().Msg("service started")
	h.osLog(service.Logger.Infof, "%s started", h.name)
	return nil
}

func (h *host) Stop(service.Service) error {
	h.log.Info().Msg("service stopping")
	err := within(context.Background(), programStopTimeout, "stopping", h.prg.Stop)
	if err != nil {
		h.log.Error().Err(err).Msg("service stopped with an error")
		h.osLog(service.Logger.Errorf, "%s stopped with an error: %v", h.name, err)
		return err
	}
	h.log.Info().Msg("service stopped")
	h.osLog(service.Logger.Infof, "%s stopped", h.name)
	return nil
}

// Shutdown is Stop when Windows shuts down.
func (h *host) Shutdown(s service.Service) error { return h.Stop(s) }

func (h *host) osLog(f func(service.Logger, string, ...any) error, format string, args ...any) {
	if h.os != nil {
		_ = f(h.os, format, args...)
	}
}

// SystemLogWriter sends zerolog's lines at or above a level to the OS log:
// journald (through syslog) on Linux, the unified log (through syslog) on
// macOS, the Event Log on Windows under the source install registers. Use
// it beside the usual output with zerolog.MultiLevelWriter. Writing to the
// OS log is best effort: a failure is dropped, never returned, so that it
// cannot make zerolog complain on every line.
type SystemLogWriter struct {
	min zerolog.Level
	l   service.Logger
}

// NewSystemLogWriter opens the OS log for the service name; lines below min
// are dropped.
func NewSystemLogWriter(name string, min zerolog.Level) (*SystemLogWriter, error) {
	s, err := service.New(idle{}, &service.Config{Name: name})
	if err != nil {
		return nil, fmt.Errorf("service manager: %w", err)
	}
	l, err := openOSLog(s)
	if err != nil {
		return nil, fmt.Errorf("opening the OS log: %w", err)
	}
	if l == nil {
		return nil, errors.New("opening the OS log: none")
	}
	return &SystemLogWriter{min: min, l: l}, nil
}

// Write writes a line without a level, as information.
func (w *SystemLogWriter) Write(p []byte) (int, error) {
	return w.WriteLevel(zerolog.InfoLevel, p)
}

// WriteLevel writes p at level l when l is at least the writer's minimum.
func (w *SystemLogWriter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	switch l {
	case zerolog.Disabled:
		return len(p), nil
	case zerolog.NoLevel:
		l = zerolog.InfoLevel
	}
	if l < w.min {
		return len(p), nil
	}
	line := string(bytes.TrimRight(p, "\r\n"))
	switch {
	case l >= zerolog.ErrorLevel:
		_ = w.l.Error(line)
	case l == zerolog.WarnLevel:
		_ = w.l.Warning(line)
	default:
		_ = w.l.Info(line)
	}
	return len(p), nil
}
