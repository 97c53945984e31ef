package configs

import _ "embed"

// The service and autostart templates, in text/template syntax. The
// installer renders them with the paths of the OS and these functions:
// systemd (an ExecStart= word), shell (a sh word), desktop (an Exec= word of
// a .desktop file) and xml (element text). Their fields are the installer's
// to fill: Program, Label, AgentLog, PIDFile.
var (
	// SystemdUnit is the systemd unit of the agent (Linux).
	//
	//go:embed service/dataward.service
	SystemdUnit string

	// SysVInit is the init script of the agent where systemd is not the
	// init system (Linux).
	//
	//go:embed service/dataward.init
	SysVInit string

	// Logrotate rotates the agent's log where SysV init keeps it in a file
	// (Linux).
	//
	//go:embed service/dataward.logrotate
	Logrotate string

	// LaunchdDaemon is the launchd daemon of the agent (macOS).
	//
	//go:embed service/dataward.plist
	LaunchdDaemon string

	// LaunchAgent starts the per-user helper in every graphical session
	// (macOS).
	//
	//go:embed service/dataward-tray.plist
	LaunchAgent string

	// XDGAutostart starts the per-user helper in every graphical session
	// (Linux desktops).
	//
	//go:embed service/dataward-tray.desktop
	XDGAutostart string
)
