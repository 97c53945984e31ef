package installer

import (
	"context"
)

// Service managers, as System.Manager names them.
const (
	Systemd = "systemd"
	SysV    = "sysv"
	Launchd = "launchd"
	Windows = "windows"
)

// System is what the installer asks of the OS beyond its files: the
// service manager and a few commands. The real one (nil Options.System)
// acts through github.com/kardianos/service and dataward's command runner;
// tests record the calls instead.
type System interface {
	// Privileged reports whether this process may change the system: root,
	// or an elevated administrator on Windows.
	Privileged() bool
	// Manager names the service manager that runs services here (Systemd,
	// SysV, Launchd or Windows). One the installer does not support is an
	// error wrapping errors.ErrUnsupported.
	Manager() (string, error)
	// Enable makes the service manager take up the service, whose files
	// are in place, and start it at boot: systemd's daemon-reload and
	// enable; the Windows service entry, created or updated, with its
	// recovery actions. SysV init and launchd need nothing: their files say
	// it all.
	Enable(ctx context.Context, s Service) error
	// Disable is the reverse, before the service's files go. A service
	// that is not there is no error.
	Disable(ctx context.Context, s Service) error
	// Reload tells the service manager that service files changed or went
	// (systemd's daemon-reload).
	Reload(ctx context.Context, s Service) error
	// Start, Stop and Restart act on the installed service. Stopping a
	// service that is not running, or not there, is no error.
	Start(ctx context.Context, s Service) error
	Stop(ctx context.Context, s Service) error
	Restart(ctx context.Context, s Service) error
	// Run runs one of the installer's commands by name ("udevadm",
	// "launchctl") with args. A command the OS does not have is an error
	// wrapping fs.ErrNotExist.
	Run(ctx context.Context, name string, args ...string) error
}

// Service is the agent's service as the service manager sees it.
type Service struct {
	Name        string
	DisplayName string
	Description string
	Manager     string   // Systemd, SysV, Launchd, Windows
	Program     string   // the installed binary
	Arguments   []string // what the service runs: ["run"]
	// File is the service's definition (unit, init script, plist); empty
	// on Windows, where the service control manager keeps it.
	File string
}

// serviceOf is the agent's service under manager in layout l.
func serviceOf(l layout, manager string) Service {
	s := Service{
		Name:        ServiceName,
		DisplayName: displayName,
		Description: description,
		Manager:     manager,
		Program:     l.Program,
		Arguments:   []string{"run"},
	}
	switch manager {
	case Systemd:
		s.File = l.UnitFile
	case SysV:
		s.File = l.InitScript
	case Launchd:
		s.File = l.DaemonPlist
	}
	return s
}
