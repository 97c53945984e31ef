// Command driver is dataward's service commands as cmd/dataward runs them,
// for the installer's tests: built static, it runs in a chroot with
// stand-in service commands, and it is the program of a test package.
//
//	driver install [--config FILE] [--executable FILE] [--udev-rule FILE]
//	driver uninstall | start | stop | restart
//	driver run [--config FILE]    (built with -tags agent)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"dataward/installer"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: driver install|uninstall|start|stop|restart|run [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	configFile := fl.String("config", "", "")
	executable := fl.String("executable", "", "")
	udevRule := fl.String("udev-rule", "", "")
	if err := fl.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cmd, *configFile, *executable, *udevRule); err != nil {
		fmt.Fprintf(os.Stderr, "dataward %s: %v\n", cmd, err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, cmd, configFile, executable, udevRule string) error {
	opt := installer.Options{
		ConfigFile: configFile,
		Executable: executable,
		Out:        os.Stdout,
		Version:    "test",
		ReleaseUSB: func(context.Context) error { return nil },
	}
	if udevRule != "" {
		rule, err := os.ReadFile(udevRule)
		if err != nil {
			return err
		}
		opt.UdevRule = rule
	}
	switch cmd {
	case "install":
		return installer.Install(ctx, opt)
	case "uninstall":
		return installer.Uninstall(ctx, opt)
	case "start":
		return installer.Start(ctx, opt)
	case "stop":
		return installer.Stop(ctx, opt)
	case "restart":
		return installer.Restart(ctx, opt)
	case "run":
		return runAgent(ctx, configFile)
	}
	return errors.New("unknown command " + cmd)
}
