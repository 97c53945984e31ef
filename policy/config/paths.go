package config

// Paths are where dataward keeps its files on one OS.
type Paths struct {
	Config   string // the config file read when --config is not given
	StateDir string
	AuditLog string
	Socket   string // Unix socket path, or a named pipe on Windows
}

// DefaultPaths returns the OS's conventional locations for goos.
// programData is %ProgramData% on Windows (empty means C:\ProgramData).
func DefaultPaths(goos, programData string) Paths {
	switch goos {
	case "windows":
		if programData == "" {
			programData = `C:\ProgramData`
		}
		base := programData + `\dataward`
		return Paths{
			Config:   base + `\dataward.yaml`,
			StateDir: base + `\state`,
			AuditLog: base + `\logs\audit.log`,
			Socket:   `\\.\pipe\dataward`,
		}
	case "darwin":
		return Paths{
			Config:   "/Library/Application Support/dataward/dataward.yaml",
			StateDir: "/Library/Application Support/dataward/state",
			AuditLog: "/Library/Logs/dataward/audit.log",
			Socket:   "/var/run/dataward.sock",
		}
	}
	return Paths{
		Config:   "/etc/dataward/dataward.yaml",
		StateDir: "/var/lib/dataward",
		AuditLog: "/var/log/dataward/audit.log",
		Socket:   "/run/dataward/dataward.sock",
	}
}

// WithPaths fills the empty path keys of c from p.
func (c Config) WithPaths(p Paths) Config {
	if c.StateDir == "" {
		c.StateDir = p.StateDir
	}
	if c.AuditLog == "" {
		c.AuditLog = p.AuditLog
	}
	if c.Socket == "" {
		c.Socket = p.Socket
	}
	return c
}
