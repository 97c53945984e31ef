package installer

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"text/template"
	"time"

	"dataward/configs"
)

// templateData fills the templates of configs/service.
type templateData struct {
	Program  string
	Label    string
	AgentLog string
	PIDFile  string
}

var templateFuncs = template.FuncMap{
	"systemd": systemdWord,
	"shell":   shellWord,
	"desktop": desktopWord,
	"xml":     xmlText,
}

// render fills the template text named name with d.
func render(name, text string, d templateData) ([]byte, error) {
	t, err := template.New(name).Funcs(templateFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parsing the %s template: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("rendering the %s template: %w", name, err)
	}
	return b.Bytes(), nil
}

// The rendered service definitions of a layout.

func systemdUnit(l layout) ([]byte, error) {
	return render("systemd unit", configs.SystemdUnit, templateData{Program: l.Program})
}

func sysvInit(l layout) ([]byte, error) {
	return render("SysV init script", configs.SysVInit, templateData{Program: l.Program, PIDFile: l.PIDFile, AgentLog: l.AgentLog})
}

func logrotate(l layout) ([]byte, error) {
	return render("logrotate config", configs.Logrotate, templateData{AgentLog: l.AgentLog})
}

func xdgAutostart(l layout) ([]byte, error) {
	return render("XDG autostart entry", configs.XDGAutostart, templateData{Program: l.Program})
}

func launchdDaemon(l layout) ([]byte, error) {
	return render("launchd daemon", configs.LaunchdDaemon, templateData{Program: l.Program, Label: ServiceName, AgentLog: l.AgentLog})
}

func launchAgent(l layout) ([]byte, error) {
	return render("LaunchAgent", configs.LaunchAgent, templateData{Program: l.Program, Label: l.AgentLabel})
}

// plain reports whether s needs no quoting in any of the formats below.
func plain(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@") == ""
}

// systemdWord quotes s as one word of ExecStart=: systemd.service(5)
// "Command lines" (C-style quotes; "%" starts a specifier, "$" a variable).
func systemdWord(s string) string {
	if plain(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%", "$", "$$")
	return `"` + r.Replace(s) + `"`
}

// shellWord quotes s as one sh word.
func shellWord(s string) string {
	if plain(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// desktopWord quotes s as one word of a desktop entry's Exec= key: the
// Desktop Entry Specification, "The Exec key" (double quotes, with `"`,
// "`", "$" and "\" escaped by a backslash; "%" doubled; then the string
// escaping of the value doubles every backslash).
func desktopWord(s string) string {
	if plain(s) {
		return s
	}
	r := strings.NewReplacer(`"`, `\\"`, "`", "\\\\`", "$", `\\$`, `\`, `\\\\`, "%", "%%")
	return `"` + r.Replace(s) + `"`
}

func xmlText(s string) (string, error) {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// winSettings is how the agent is registered on Windows: its entry in the
// service control manager, the recovery actions that start it again, its
// Event Log source, the Run value that starts the per-user helper at every
// logon, and the ACLs of its folders.
type winSettings struct {
	Name             string
	DisplayName      string
	Description      string
	Executable       string
	Arguments        []string
	StartType        string // kardianos/service's "automatic"
	DelayedAutoStart bool
	// Recovery is what the service control manager does after the
	// service's first, second and later failures; ResetPeriod is how long
	// without failure before it counts from the first again.
	Recovery    []recoveryAction
	ResetPeriod duration
	// RecoveryOnErrorExit applies Recovery to a service that stops with an
	// error code, not only to one that crashes.
	RecoveryOnErrorExit bool
	EventLogSource      string
	RunKey              string // under HKEY_LOCAL_MACHINE
	RunValueName        string
	RunValue            string
	ProgramDirACL       string // SDDL
	ConfigDirACL        string
	StateDirACL         string
	LogDirACL           string
}

// recoveryAction is one of the service control manager's failure actions.
type recoveryAction struct {
	Action string // "restart"
	Delay  duration
}

// duration is a time.Duration that reads well in JSON.
type duration time.Duration

func (d duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

// windowsSettings are the settings of layout l.
func windowsSettings(l layout) winSettings {
	restart := recoveryAction{Action: "restart", Delay: duration(5 * time.Second)}
	return winSettings{
		Name:                ServiceName,
		DisplayName:         displayName,
		Description:         description,
		Executable:          l.Program,
		Arguments:           []string{"run"},
		StartType:           "automatic",
		DelayedAutoStart:    true,
		Recovery:            []recoveryAction{restart, restart, {Action: "restart", Delay: duration(30 * time.Second)}},
		ResetPeriod:         duration(24 * time.Hour),
		RecoveryOnErrorExit: true,
		EventLogSource:      ServiceName,
		RunKey:              `SOFTWARE\Microsoft\Windows\CurrentVersion\Run`,
		RunValueName:        ServiceName,
		RunValue:            `"` + l.Program + `" tray`,
		ProgramDirACL:       sddlPublicDir,
		ConfigDirACL:        sddlPublicDir,
		StateDirACL:         sddlPrivateDir,
		LogDirACL:           sddlPrivateDir,
	}
}
