//go:build agent

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"dataward/agent"
	"dataward/installer"
)

// runAgent is `dataward run`: the agent's supervisor (which applies a
// changed config) under the service manager, with warnings and lifecycle
// lines in the OS log too.
func runAgent(ctx context.Context, configFile string) error {
	cfg, err := agent.LoadConfig(configFile)
	if err != nil {
		return err
	}
	path := configFile
	if path == "" {
		path = agent.DefaultPaths().Config
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			path = "" // the defaults
		}
	}
	if path != "" {
		if err := installer.CheckConfigPerms(path); err != nil {
			return err
		}
	}
	var out io.Writer = os.Stderr
	if w, err := installer.NewSystemLogWriter(installer.ServiceName, zerolog.WarnLevel); err == nil {
		out = zerolog.MultiLevelWriter(os.Stderr, w)
	}
	log := zerolog.New(out).With().Timestamp().Logger()
	reload := make(chan os.Signal, 1)
	signal.Notify(reload, syscall.SIGHUP)
	defer signal.Stop(reload)
	// The daemon ending by itself ends ctx: RunService then returns its
	// error and the service manager starts the process again.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sup := agent.NewSupervisor(agent.SuperviseOptions{
		Path: path, Config: cfg, Check: installer.CheckConfigPerms, Reload: reload,
	}, agent.Options{Version: "test", Log: log}, func(error) { cancel() })
	return installer.RunService(ctx, installer.ServiceName, sup, log)
}
