// Command dataward is the one binary: the agent, its helper and its tools.
// See INTERFACE.md for the subcommands; this file only parses them and
// hands off.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent"
	"dataward/agent/desktop"
	"dataward/agent/ipc"
	"dataward/agent/usb"
	"dataward/installer"
	"dataward/policy/config"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: dataward <command> [flags]

  run      [--config FILE]          run the agent in the foreground
  scan     [--json] [--config FILE] PATH...
                                    classify files or folders; changes nothing
  status   [--json] [--config FILE] posture and pending deletions
  install  [--config FILE]          install and start the service
  uninstall                         stop and remove the service
  start | stop | restart            control the installed service
  tray                              the per-user helper
  protect  FILE [--out FILE]        encrypt a file for sharing
  version

Exit codes: 0 success or nothing found, 1 scan found personal data (status:
the agent is not running; other commands: failed), 2 usage or config error.`

// Exit codes of INTERFACE.md.
const (
	exitOK    = 0
	exitFound = 1 // scan found personal data; other commands: failed
	exitUsage = 2
	// exitNotRunning is status's answer when no agent answers.
	exitNotRunning = 1
)

// agentMemoryLimit is the agent's soft memory limit (runtime/debug): well
// under the 40 MB an idle agent may use, above what it needs watching
// 10,000 files.
const agentMemoryLimit = 28 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	fl, pos, err := parseFlags(cmd, rest)
	if err != nil {
		fmt.Fprintf(stderr, "dataward %s: %v (see dataward help)\n", cmd, err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	case "version":
		fmt.Fprintln(stdout, "dataward", version)
		return exitOK
	case "scan":
		if len(pos) == 0 {
			fmt.Fprintln(stderr, "dataward scan: name at least one file or folder to scan")
			return exitUsage
		}
		cfg, err := agent.LoadConfig(fl["config"])
		if err != nil {
			fmt.Fprintf(stderr, "dataward scan: %v\n", err)
			return exitUsage
		}
		found, err := agent.Scan(ctx, agent.ScanOptions{
			Paths: pos, JSON: fl["json"] == "true", Config: cfg, Now: time.Now(), Out: stdout,
		})
		if err != nil {
			fmt.Fprintf(stderr, "dataward scan: %v\n", err)
			return exitUsage
		}
		if found {
			return exitFound
		}
		return exitOK
	case "run":
		cfg, err := agent.LoadConfig(fl["config"])
		if err != nil {
			fmt.Fprintf(stderr, "dataward run: %v\n", err)
			return exitUsage
		}
		zerolog.TimeFieldFormat = time.RFC3339Nano
		if os.Getenv("GOMEMLIMIT") == "" {
			// The agent idles on every office PC: a soft limit makes the
			// runtime hand memory freed after a burst back to the OS.
			debug.SetMemoryLimit(agentMemoryLimit)
		}
		path := configPath(fl["config"])
		if path != "" {
			// A root daemon must not take its policy from a file others
			// can change.
			if err := installer.CheckConfigPerms(path); err != nil {
				fmt.Fprintf(stderr, "dataward run: %v\n", err)
				return exitUsage
			}
		}
		// Warnings and errors go to the OS log too (journald through
		// syslog, the Event Log, the unified log); RunService adds the
		// lifecycle.
		out := stderr
		if w, err := installer.NewSystemLogWriter(installer.ServiceName, zerolog.WarnLevel); err == nil {
			out = zerolog.MultiLevelWriter(stderr, w)
		}
		log := zerolog.New(out).With().Timestamp().Logger()
		// SIGHUP, or a change of the file, applies an edited config.
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var exitErr error
		sup := agent.NewSupervisor(agent.SuperviseOptions{Path: path, Config: cfg, Reload: hup,
			Check: installer.CheckConfigPerms}, agent.Options{Version: version, Log: log},
			func(err error) { exitErr = err; cancel() })
		// Under the service manager (the Windows SCM answers through it)
		// and from a terminal alike.
		err = installer.RunService(ctx, installer.ServiceName, sup, log)
		if err = errors.Join(err, exitErr); err != nil {
			fmt.Fprintf(stderr, "dataward run: %v\n", err)
			return exitFound
		}
		return exitOK
	case "status":
		cfg, err := agent.LoadConfig(fl["config"])
		if err != nil {
			fmt.Fprintf(stderr, "dataward status: %v\n", err)
			return exitUsage
		}
		err = agent.Status(ctx, agent.StatusOptions{JSON: fl["json"] == "true", Config: cfg, Now: time.Now(), Out: stdout})
		if errors.Is(err, ipc.ErrNotRunning) {
			fmt.Fprintf(stderr, "dataward status: the agent is not running (nothing answers on %s); start it with dataward start\n", cfg.Socket)
			return exitNotRunning
		}
		if err != nil {
			fmt.Fprintf(stderr, "dataward status: %v\n", err)
			return exitNotRunning
		}
		return exitOK
	case "tray":
		cfg, err := agent.LoadConfig(fl["config"])
		if err != nil {
			fmt.Fprintf(stderr, "dataward tray: %v\n", err)
			return exitUsage
		}
		log := zerolog.New(stderr).With().Timestamp().Logger()
		err = agent.Tray(ctx, cfg, log)
		if errors.Is(err, desktop.ErrAlreadyRunning) {
			fmt.Fprintln(stderr, "dataward tray: already running in this session")
			return exitOK
		}
		if err != nil {
			fmt.Fprintf(stderr, "dataward tray: %v\n", err)
			return exitFound
		}
		return exitOK
	case "protect":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "dataward protect: name one file to encrypt, e.g. dataward protect members.csv")
			return exitUsage
		}
		if err := agent.Protect(ctx, agent.ProtectOptions{In: pos[0], Out: fl["out"], Stdout: stdout}); err != nil {
			fmt.Fprintf(stderr, "dataward protect: %v\n", err)
			return exitFound
		}
		return exitOK
	case "install", "uninstall", "start", "stop", "restart":
		return manage(ctx, cmd, fl["config"], stdout, stderr)
	}
	fmt.Fprintf(stderr, "dataward: unknown command %q (see dataward help)\n", cmd)
	return exitUsage
}

// manage installs, removes and controls the service.
func manage(ctx context.Context, cmd, cfgFile string, stdout, stderr io.Writer) int {
	opt := installer.Options{ConfigFile: cfgFile, Version: version, Out: stdout}
	if usb.MachinePolicy() {
		opt.ReleaseUSB = func(ctx context.Context) error { return usb.Release(ctx, usb.Env{}) }
	}
	var err error
	switch cmd {
	case "install":
		if opt.UdevRule, err = udevRule(cfgFile); err != nil {
			fmt.Fprintf(stderr, "dataward install: %v\n", err)
			return exitUsage
		}
		err = installer.Install(ctx, opt)
	case "uninstall":
		err = installer.Uninstall(ctx, opt)
	case "start":
		err = installer.Start(ctx, opt)
	case "stop":
		err = installer.Stop(ctx, opt)
	case "restart":
		err = installer.Restart(ctx, opt)
	}
	if err != nil {
		fmt.Fprintf(stderr, "dataward %s: %v\n", cmd, err)
		if errors.Is(err, installer.ErrNotPrivileged) || errors.Is(err, config.ErrInvalid) {
			return exitUsage
		}
		return exitFound
	}
	return exitOK
}

// udevRule renders the udev rule for the config being installed: the one
// named, else the one installed, else the defaults. It is nil where there
// is no udev (not Linux).
func udevRule(cfgFile string) ([]byte, error) {
	cfg, err := agent.LoadConfig(cfgFile)
	if err != nil {
		return nil, err
	}
	return agent.UdevRule(cfg)
}

// configPath is the config file in use: the one named, or the one in the
// OS's config location if it exists ("" when the defaults are in use).
func configPath(named string) string {
	if named != "" {
		return named
	}
	p := agent.DefaultPaths().Config
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// flagsOf lists the flags each command takes; true means it takes a value.
var flagsOf = map[string]map[string]bool{
	"run":       {"config": true},
	"scan":      {"config": true, "json": false},
	"status":    {"config": true, "json": false},
	"install":   {"config": true},
	"uninstall": {"config": true},
	"start":     {"config": true},
	"stop":      {"config": true},
	"restart":   {"config": true},
	"tray":      {"config": true},
	"protect":   {"config": true, "out": true},
	"version":   {"config": true},
}

// parseFlags reads --flag, --flag=value and --flag value anywhere among the
// arguments (people write `scan DIR --json`); "--" ends the flags.
func parseFlags(cmd string, args []string) (map[string]string, []string, error) {
	known := flagsOf[cmd]
	fl := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		takes, ok := known[name]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("unknown flag %s", a)
		case takes && !hasVal:
			if i+1 == len(args) {
				return nil, nil, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		case !takes && hasVal:
			return nil, nil, errors.New("flag --" + name + " takes no value")
		case !takes:
			val = "true"
		}
		fl[name] = val
	}
	return fl, pos, nil
}
