package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"

	"dataward/agent/command"
)

const privilegeHint = "needs root: run it with sudo"

// darwinCommands are the programs the installer runs, by absolute path.
var darwinCommands = map[string][]string{
	"launchctl": {"/bin/launchctl"},
}

func realSystem() System {
	return machine{run: &command.Runner{Programs: darwinCommands, Timeout: controlTimeout}}
}

func (machine) Privileged() bool { return os.Geteuid() == 0 }

func (machine) Manager() (string, error) { return Launchd, nil }

// launchd needs no registration: a plist in /Library/LaunchDaemons with
// RunAtLoad is started at boot, and kardianos/service's Start loads it.
func (machine) Enable(context.Context, Service) error  { return nil }
func (machine) Disable(context.Context, Service) error { return nil }
func (machine) Reload(context.Context, Service) error  { return nil }

func osFiles(l layout, manager string, udevRule []byte, all bool) ([]osFile, error) {
	if manager != Launchd {
		return nil, fmt.Errorf("service manager %q: %w", manager, errors.ErrUnsupported)
	}
	daemon, err := launchdDaemon(l)
	if err != nil {
		return nil, err
	}
	agent, err := launchAgent(l)
	if err != nil {
		return nil, err
	}
	return []osFile{
		{path: l.DaemonPlist, data: daemon, access: accessPublic, what: "the service (launchd)"},
		{path: l.AgentPlist, data: agent, access: accessPublic, what: "the helper's LaunchAgent"},
	}, nil
}

// consoleUser returns the uid of the user logged in at the screen: the
// owner of /dev/console, root when nobody is.
func consoleUser(in *installation) (int, bool) {
	fi, err := os.Stat(in.fs.root.Path("/dev/console"))
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return 0, false
	}
	return int(st.Uid), true
}

// osInstalled starts the helper in the session of the user at the screen
// now; other users get it at their next login.
func osInstalled(ctx context.Context, in *installation, written []osFile) error {
	uid, ok := consoleUser(in)
	if !ok {
		in.say("the helper starts at each user's next login")
		return nil
	}
	domain := "gui/" + strconv.Itoa(uid)
	// A helper loaded by an earlier installation is replaced.
	_ = in.sys.Run(ctx, "launchctl", "bootout", domain+"/"+in.lay.AgentLabel)
	if err := in.sys.Run(ctx, "launchctl", "bootstrap", domain, in.lay.AgentPlist); err != nil {
		in.say("warning: %v: the helper starts at the next login", err)
		return nil
	}
	in.say("the helper runs for the user at the screen and starts at each user's next login")
	return nil
}

func osRemoved(ctx context.Context, in *installation, removed []osFile) error {
	if !slices.ContainsFunc(removed, func(f osFile) bool { return f.path == in.lay.AgentPlist }) {
		return nil
	}
	if uid, ok := consoleUser(in); ok {
		_ = in.sys.Run(ctx, "launchctl", "bootout", "gui/"+strconv.Itoa(uid)+"/"+in.lay.AgentLabel)
	}
	return nil
}
