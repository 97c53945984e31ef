package installer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/kardianos/service"

	"dataward/agent/command"
)

const privilegeHint = "needs root: run it with sudo"

// linuxCommands are the programs the installer runs, by absolute path.
var linuxCommands = map[string][]string{
	"systemctl": {"/usr/bin/systemctl", "/bin/systemctl"},
	"udevadm":   {"/usr/bin/udevadm", "/bin/udevadm", "/sbin/udevadm"},
}

func realSystem() System {
	return machine{run: &command.Runner{Programs: linuxCommands, Timeout: controlTimeout}}
}

func (machine) Privileged() bool { return os.Geteuid() == 0 }

// Manager follows kardianos/service's choice: systemd when it is the
// running init system (sd_booted(3): /run/systemd/system exists), SysV init
// otherwise (containers, and machines booted with another init that runs
// /etc/init.d scripts). Upstart, OpenRC and procd are not supported.
func (machine) Manager() (string, error) {
	switch p := service.Platform(); p {
	case "linux-systemd":
		return Systemd, nil
	case "unix-systemv":
		return SysV, nil
	default:
		return "", fmt.Errorf("service manager %s: %w", p, errors.ErrUnsupported)
	}
}

func (m machine) Enable(ctx context.Context, s Service) error {
	if s.Manager != Systemd {
		return nil
	}
	if err := m.Run(ctx, "systemctl", "daemon-reload"); err != nil {
		return err
	}
	return m.Run(ctx, "systemctl", "enable", s.Name+".service")
}

func (m machine) Disable(ctx context.Context, s Service) error {
	if s.Manager != Systemd || !s.present() {
		return nil
	}
	return m.Run(ctx, "systemctl", "disable", s.Name+".service")
}

func (m machine) Reload(ctx context.Context, s Service) error {
	if s.Manager != Systemd {
		return nil
	}
	err := m.Run(ctx, "systemctl", "daemon-reload")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func osFiles(l layout, manager string, udevRule []byte, all bool) ([]osFile, error) {
	var out []osFile
	switch manager {
	case Systemd:
		unit, err := systemdUnit(l)
		if err != nil {
			return nil, err
		}
		out = append(out, osFile{path: l.UnitFile, data: unit, access: accessPublic, what: "the service (systemd)"})
	case SysV:
		script, err := sysvInit(l)
		if err != nil {
			return nil, err
		}
		out = append(out, osFile{path: l.InitScript, data: script, access: accessProgram, what: "the service (SysV init)"})
		rotate, err := logrotate(l)
		if err != nil {
			return nil, err
		}
		out = append(out, osFile{path: l.Logrotate, data: rotate, access: accessPublic, what: "the log rotation"})
		links := l.rcLinks()
		for _, p := range slices.Sorted(maps.Keys(links)) {
			out = append(out, osFile{path: p, link: links[p]})
		}
	default:
		return nil, fmt.Errorf("service manager %q: %w", manager, errors.ErrUnsupported)
	}
	desktop, err := xdgAutostart(l)
	if err != nil {
		return nil, err
	}
	out = append(out, osFile{path: l.Autostart, data: desktop, access: accessPublic, what: "the helper's autostart entry"})
	if udevRule != nil || all {
		out = append(out, osFile{path: l.UdevRule, data: udevRule, access: accessPublic, what: "the USB rule"})
	}
	return out, nil
}

func osInstalled(ctx context.Context, in *installation, written []osFile) error {
	in.say("the helper starts at each user's next graphical login")
	changed := slices.ContainsFunc(written, func(f osFile) bool { return f.path == in.lay.UdevRule })
	if in.opt.UdevRule == nil {
		// No rule wanted now: one from an earlier installation goes.
		gone, err := in.fs.remove(in.lay.UdevRule)
		if err != nil {
			return err
		}
		if gone {
			in.say("removed the USB rule: %s", in.lay.UdevRule)
		}
		changed = gone
	}
	if changed {
		reloadUdev(ctx, in)
	}
	return nil
}

func osRemoved(ctx context.Context, in *installation, removed []osFile) error {
	if slices.ContainsFunc(removed, func(f osFile) bool { return f.path == in.lay.UdevRule }) {
		reloadUdev(ctx, in)
	}
	return nil
}

// reloadUdev makes udev read its rules again and apply them to the block
// devices there now. Without udev (a container, a machine without udevadm)
// the rules apply from the next boot: said, not an error.
func reloadUdev(ctx context.Context, in *installation) {
	for _, args := range [][]string{
		{"control", "--reload"},
		{"trigger", "--subsystem-match=block", "--action=change"},
	} {
		err := in.sys.Run(ctx, "udevadm", args...)
		if errors.Is(err, fs.ErrNotExist) {
			in.say("udevadm not found: the USB rule changes from the next boot")
			return
		}
		if err != nil {
			in.say("warning: %v: the USB rule changes from the next boot", err)
			return
		}
	}
	in.say("udev rules reloaded")
}
