package installer

import (
	"path"
	"strings"

	"dataward/policy/config"
)

// ServiceName is the agent's service: the systemd unit dataward.service,
// the SysV script /etc/init.d/dataward, the launchd label and the Windows
// service name.
const ServiceName = "dataward"

// Service descriptions, as the service managers show them.
const (
	displayName = "dataward"
	description = "Keeps personal data where the party's policy allows: deletes stale exports, blocks USB writes, checks disk encryption."
)

// layout is where an installation puts things on one OS. Paths are the
// OS's own (C:\... on Windows); the installer reaches them through its Root.
type layout struct {
	Paths config.Paths // config file, state, audit log, socket

	Program    string // the installed binary
	ProgramDir string // a folder of dataward's own holding Program; "" when it is a shared one (/usr/bin)
	ConfigDir  string // the folder of Paths.Config, dataward's own
	Record     string // what the installation created, for uninstall
	LogDir     string // the default audit log's folder, dataward's own
	AgentLog   string // the agent's standard error where the service manager keeps none (SysV, launchd)
	SocketDir  string // the default socket's folder when it is dataward's own; "" otherwise

	// Linux
	UnitFile   string // systemd
	InitScript string // SysV init
	PIDFile    string // SysV init
	RCDir      string // SysV init: holds rc0.d … rc6.d
	Logrotate  string // SysV init: rotates AgentLog
	Autostart  string // XDG autostart entry of the per-user helper
	UdevRule   string

	// macOS
	DaemonPlist string
	AgentPlist  string
	AgentLabel  string
}

// layoutFor returns the layout for goos. getenv reads the environment
// (Windows' %ProgramFiles% and %ProgramData%).
func layoutFor(goos string, getenv func(string) string) layout {
	switch goos {
	case "windows":
		p := config.DefaultPaths(goos, getenv("ProgramData"))
		programFiles := getenv("ProgramFiles")
		if programFiles == "" {
			programFiles = `C:\Program Files`
		}
		dir := winDir(p.Config)
		return layout{
			Paths:      p,
			ProgramDir: programFiles + `\dataward`,
			Program:    programFiles + `\dataward\dataward.exe`,
			ConfigDir:  dir,
			Record:     dir + `\installed.json`,
			LogDir:     winDir(p.AuditLog),
		}
	case "darwin":
		p := config.DefaultPaths(goos, "")
		dir := path.Dir(p.Config)
		return layout{
			Paths:       p,
			Program:     "/usr/local/bin/dataward",
			ConfigDir:   dir,
			Record:      dir + "/installed.json",
			LogDir:      path.Dir(p.AuditLog),
			AgentLog:    path.Dir(p.AuditLog) + "/agent.log",
			DaemonPlist: "/Library/LaunchDaemons/" + ServiceName + ".plist",
			AgentLabel:  ServiceName + ".tray",
			AgentPlist:  "/Library/LaunchAgents/" + ServiceName + ".tray.plist",
		}
	}
	p := config.DefaultPaths(goos, "")
	dir := path.Dir(p.Config)
	return layout{
		Paths:      p,
		Program:    "/usr/bin/dataward",
		ConfigDir:  dir,
		Record:     dir + "/installed.json",
		LogDir:     path.Dir(p.AuditLog),
		AgentLog:   path.Dir(p.AuditLog) + "/agent.log",
		SocketDir:  path.Dir(p.Socket),
		UnitFile:   "/etc/systemd/system/" + ServiceName + ".service",
		InitScript: "/etc/init.d/" + ServiceName,
		PIDFile:    "/run/" + ServiceName + ".pid",
		RCDir:      "/etc",
		Logrotate:  "/etc/logrotate.d/" + ServiceName,
		Autostart:  "/etc/xdg/autostart/" + ServiceName + "-tray.desktop",
		UdevRule:   "/etc/udev/rules.d/70-dataward-usb.rules",
	}
}

// winDir is the folder of a Windows path, whatever OS this runs on.
func winDir(p string) string {
	if i := strings.LastIndexByte(p, '\\'); i > 0 {
		return p[:i]
	}
	return p
}

// rcLinks are the SysV runlevel links to the init script: started in the
// multi-user runlevels, stopped on halt, single-user and reboot. Keys are
// paths, values link targets.
func (l layout) rcLinks() map[string]string {
	links := map[string]string{}
	target := "../init.d/" + path.Base(l.InitScript)
	for _, lvl := range "2345" {
		links[l.RCDir+"/rc"+string(lvl)+".d/S50"+ServiceName] = target
	}
	for _, lvl := range "016" {
		links[l.RCDir+"/rc"+string(lvl)+".d/K02"+ServiceName] = target
	}
	return links
}
