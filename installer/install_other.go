//go:build !linux && !darwin && !windows

package installer

import (
	"context"
	"os"
)

const privilegeHint = "needs root: run it with sudo"

func realSystem() System { return unsupported{} }

// unsupported is the System of an OS without an installer.
type unsupported struct{}

func (unsupported) Privileged() bool                             { return os.Geteuid() == 0 }
func (unsupported) Manager() (string, error)                     { return "", errUnsupportedOS }
func (unsupported) Enable(context.Context, Service) error        { return errUnsupportedOS }
func (unsupported) Disable(context.Context, Service) error       { return errUnsupportedOS }
func (unsupported) Reload(context.Context, Service) error        { return errUnsupportedOS }
func (unsupported) Start(context.Context, Service) error         { return errUnsupportedOS }
func (unsupported) Stop(context.Context, Service) error          { return errUnsupportedOS }
func (unsupported) Restart(context.Context, Service) error       { return errUnsupportedOS }
func (unsupported) Run(context.Context, string, ...string) error { return errUnsupportedOS }
func osFiles(layout, string, []byte, bool) ([]osFile, error)     { return nil, errUnsupportedOS }
func osInstalled(context.Context, *installation, []osFile) error { return errUnsupportedOS }
func osRemoved(context.Context, *installation, []osFile) error   { return errUnsupportedOS }
