package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"

	"dataward/agent/command"
)

const privilegeHint = "needs administrator rights: run it from a command prompt opened with Run as administrator"

func realSystem() System {
	return machine{run: &command.Runner{Programs: map[string][]string{}, Timeout: controlTimeout}}
}

func (machine) Privileged() bool {
	return windows.GetCurrentProcessToken().IsElevated()
}

func (machine) Manager() (string, error) { return Windows, nil }

// Enable creates the service entry (kardianos/service's Install: start
// type, delayed auto-start, the Event Log source) or, on an upgrade,
// updates it; then it sets all the recovery actions, which kardianos sets
// only the first of.
func (machine) Enable(ctx context.Context, s Service) error {
	w := windowsSettings(layout{Program: s.Program})
	return within(ctx, controlTimeout, "registering the service", func() error {
		m, err := mgr.Connect()
		if err != nil {
			return err
		}
		defer m.Disconnect()
		ws, err := m.OpenService(s.Name)
		if err != nil {
			ks, err := kardianos(s)
			if err != nil {
				return err
			}
			if err := ks.Install(); err != nil {
				return err
			}
			if ws, err = m.OpenService(s.Name); err != nil {
				return err
			}
		} else {
			c, err := ws.Config()
			if err != nil {
				ws.Close()
				return err
			}
			args := make([]string, 0, len(s.Arguments)+1)
			for _, a := range append([]string{s.Program}, s.Arguments...) {
				args = append(args, windows.EscapeArg(a))
			}
			c.BinaryPathName = strings.Join(args, " ")
			c.DisplayName, c.Description = s.DisplayName, s.Description
			c.StartType = mgr.StartAutomatic
			c.DelayedAutoStart = w.DelayedAutoStart
			if err := ws.UpdateConfig(c); err != nil {
				ws.Close()
				return err
			}
			if err := eventlog.InstallAsEventCreate(w.EventLogSource, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil && !strings.Contains(err.Error(), "exists") {
				ws.Close()
				return fmt.Errorf("registering the Event Log source: %w", err)
			}
		}
		defer ws.Close()
		actions := make([]mgr.RecoveryAction, len(w.Recovery))
		for i, a := range w.Recovery {
			actions[i] = mgr.RecoveryAction{Type: mgr.ServiceRestart, Delay: time.Duration(a.Delay)}
		}
		if err := ws.SetRecoveryActions(actions, uint32(time.Duration(w.ResetPeriod)/time.Second)); err != nil {
			return fmt.Errorf("setting the recovery actions: %w", err)
		}
		return ws.SetRecoveryActionsOnNonCrashFailures(w.RecoveryOnErrorExit)
	})
}

// Disable deletes the service entry and its Event Log source.
func (machine) Disable(ctx context.Context, s Service) error {
	return within(ctx, controlTimeout, "removing the service", func() error {
		m, err := mgr.Connect()
		if err != nil {
			return err
		}
		ws, err := m.OpenService(s.Name)
		m.Disconnect()
		if err != nil {
			return nil // not there
		}
		ws.Close()
		ks, err := kardianos(s)
		if err != nil {
			return err
		}
		return ks.Uninstall()
	})
}

func (machine) Reload(context.Context, Service) error { return nil }

// runValues sets and deletes values of the Run key that starts programs at
// every user's logon.
type runValues interface {
	SetRunValue(name, value string) error
	DeleteRunValue(name string) error
}

func (machine) SetRunValue(name, value string) error {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, windowsSettings(layout{}).RunKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	return k.SetStringValue(name, value)
}

func (machine) DeleteRunValue(name string) error {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, windowsSettings(layout{}).RunKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

func osFiles(l layout, manager string, udevRule []byte, all bool) ([]osFile, error) {
	if manager != Windows {
		return nil, fmt.Errorf("service manager %q: %w", manager, errors.ErrUnsupported)
	}
	return nil, nil
}

// osInstalled registers the helper in the Run key: it starts at every
// user's next logon.
func osInstalled(ctx context.Context, in *installation, written []osFile) error {
	rv, ok := in.sys.(runValues)
	if !ok {
		return fmt.Errorf("the helper's Run value: %w", errors.ErrUnsupported)
	}
	w := windowsSettings(in.lay)
	if err := rv.SetRunValue(w.RunValueName, w.RunValue); err != nil {
		return fmt.Errorf("registering the helper in HKLM\\%s: %w", w.RunKey, err)
	}
	in.say(`the helper starts at each user's next logon: HKLM\%s\%s`, w.RunKey, w.RunValueName)
	return nil
}

func osRemoved(ctx context.Context, in *installation, removed []osFile) error {
	rv, ok := in.sys.(runValues)
	if !ok {
		return nil
	}
	w := windowsSettings(in.lay)
	if err := rv.DeleteRunValue(w.RunValueName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the helper from HKLM\\%s: %w", w.RunKey, err)
	}
	return nil
}
