// Package agent is dataward's daemon and the commands that run beside it:
// it wires configuration, the audit log, the watchers and the classifier
// together. Subpackages hold the audit log (audit) and on-disk scanning
// (scan).
package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"dataward/policy/config"
)

// DefaultPaths are this OS's locations for dataward's files.
func DefaultPaths() config.Paths {
	return config.DefaultPaths(runtime.GOOS, os.Getenv("ProgramData"))
}

// LoadConfig reads the config at path; with an empty path it reads the
// config file in the OS's config location if there is one, and otherwise
// uses the defaults. OS-default paths fill the empty path keys.
func LoadConfig(path string) (config.Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPaths().Config
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
	case !explicit && errors.Is(err, fs.ErrNotExist):
		return config.Default().WithPaths(DefaultPaths()), nil
	default:
		return config.Config{}, fmt.Errorf("reading config: %w", err)
	}
	c, err := config.Parse(data)
	if err != nil {
		return config.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c.WithPaths(DefaultPaths()), nil
}
