// Package installer puts dataward on a machine as a system service with
// its per-user helper, upgrades it in place, and takes it off again leaving
// only the audit log. It also runs the agent under the service manager
// (RunService), sends lifecycle lines to the OS log (SystemLogWriter), and
// tells whether a config file is safe to trust (CheckConfigPerms).
//
// Every file goes through a Root, so that tests install into a scratch
// folder; every other change to the system goes through a System, so that
// tests record it. What an installation created is kept in a record next
// to the config, so that uninstall removes exactly that.
package installer

// Every OS file defines:
//
//	realSystem() System
//		the machine's service manager and commands.
//	osFiles(l layout, manager string, udevRule []byte, all bool) ([]osFile, error)
//		the service definition for manager, the per-user helper's
//		autostart entry and the OS's extras (Linux: the udev rule when
//		udevRule is not nil). With all, every file the OS may have from any
//		installation, for uninstall.
//	osInstalled(ctx context.Context, in *installation, written []osFile) error
//		what follows writing them: udevadm (Linux), the helper in the
//		console user's session (macOS), the Run value (Windows).
//	osRemoved(ctx context.Context, in *installation, removed []osFile) error
//		the reverse, once they are removed.
//	setAccess(path string, a access, dir bool) error
//		modes and owner, or an ACL.
//	checkConfigPerms(path string) error
//		see CheckConfigPerms.
//	replace(tmp, dst string) error; removeLater(path string) bool
//		renaming over a file and deleting one in use (Windows: a running
//		program is moved aside, and deleted at the next restart).
//	runUnder(ctx context.Context, s service.Service, h *host) error
//		RunService's wait: kardianos/service's Run, and on Windows a stop
//		request when ctx ends.
//	privilegeHint
//		what to do without privileges.
//
// Linux, macOS and Windows have an installer; other OSes compile and
// return errors wrapping errors.ErrUnsupported.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"dataward/agent/state"
	"dataward/configs"
	"dataward/policy/config"
)

var (
	// ErrNotPrivileged is returned by every command run without root (or,
	// on Windows, administrator) rights. Its text says what to do.
	ErrNotPrivileged = errors.New(privilegeHint)
	// ErrNotInstalled is returned by Start, Stop and Restart when dataward
	// is not installed.
	ErrNotInstalled = errors.New("dataward is not installed: install it with dataward install")
	// errUnsupportedOS wraps errors.ErrUnsupported for OSes without an
	// installer.
	errUnsupportedOS = fmt.Errorf("no installer for %s: %w", runtime.GOOS, errors.ErrUnsupported)
)

// Options are what the commands are given.
type Options struct {
	// Root is where files go: "" is the machine itself. Any other root
	// needs a System, so that a test never acts on the machine.
	Root Root
	// System acts on the service manager; nil is the machine's.
	System System
	// Executable is the dataward binary to install; "" is the running one.
	Executable string
	// ConfigFile is install's --config FILE: it replaces the installed
	// config, and is validated before anything changes. Without it an
	// installed config is kept, and a new installation gets the defaults
	// (configs/dataward.yaml).
	ConfigFile string
	// UdevRule is the rendered udev rule that keeps USB storage read-only
	// (Linux); nil installs none. Uninstall removes it whatever this is.
	UdevRule []byte
	// ReleaseUSB restores the USB policy the agent set. Uninstall calls it
	// once the agent has stopped and the udev rule is gone; nil does
	// nothing.
	ReleaseUSB func(ctx context.Context) error
	// Version names the build in what Install says; optional.
	Version string
	// Out gets one line for each thing done; nil discards them.
	Out io.Writer
}

// osFile is a file an installation writes besides the program and the
// config.
type osFile struct {
	path   string
	data   []byte
	access access
	link   string // a symbolic link to link rather than a file
	what   string // for the report: "the service (systemd)"
}

// managers are the service managers each OS may install under: uninstall
// removes the files of all of them.
var managers = map[string][]string{
	"linux":   {Systemd, SysV},
	"darwin":  {Launchd},
	"windows": {Windows},
}

// record is what an installation created, kept at layout.Record.
type record struct {
	Version int    `json:"version"`
	Manager string `json:"manager"`
	// ProgramCopied says the installer put the program in place; when a
	// package did, uninstall leaves it to the package manager.
	ProgramCopied bool `json:"program_copied"`
	// Created are the folders the installer created, removed by uninstall
	// when empty.
	Created  []string `json:"created,omitempty"`
	StateDir string   `json:"state_dir"`
	AuditLog string   `json:"audit_log"`
}

const recordVersion = 1

// installation is one command's work.
type installation struct {
	opt Options
	sys System
	lay layout
	fs  files
	out io.Writer
}

func prepare(opt Options) (*installation, error) {
	sys := opt.System
	if sys == nil {
		if !opt.Root.Real() {
			return nil, errors.New("installing under another root needs a System: the machine's would act on this machine")
		}
		sys = realSystem()
	}
	if !sys.Privileged() {
		return nil, ErrNotPrivileged
	}
	out := opt.Out
	if out == nil {
		out = io.Discard
	}
	return &installation{
		opt: opt,
		sys: sys,
		lay: layoutFor(runtime.GOOS, os.Getenv),
		fs:  files{root: opt.Root},
		out: out,
	}, nil
}

func (in *installation) say(format string, args ...any) {
	fmt.Fprintf(in.out, format+"\n", args...)
}

// Install installs the agent's service and the per-user helper and starts
// the service; run again, it upgrades in place, keeping the state and the
// config (unless ConfigFile gives a new one).
func Install(ctx context.Context, opt Options) (err error) {
	in, err := prepare(opt)
	if err != nil {
		return err
	}
	newConfig, err := in.configToWrite()
	if err != nil {
		return err
	}
	manager, err := in.sys.Manager()
	if err != nil {
		return err
	}
	src, err := in.executable()
	if err != nil {
		return err
	}
	rec, upgrade, err := in.readRecord()
	if err != nil {
		return err
	}
	cfg := in.effectiveConfig(newConfig, true)
	svc := serviceOf(in.lay, manager)

	// Stop what runs before replacing it: Windows cannot replace a running
	// program, and the service must not run a half-written installation.
	oldManager := rec.Manager
	if upgrade {
		old := svc
		if oldManager != "" && oldManager != manager {
			old = serviceOf(in.lay, oldManager)
		}
		if err := in.sys.Stop(ctx, old); err != nil {
			return fmt.Errorf("stopping the running service: %w", err)
		}
		if old.Manager != manager {
			if err := in.sys.Disable(ctx, old); err != nil {
				return err
			}
		}
	}
	rec.Version, rec.Manager = recordVersion, manager
	rec.StateDir, rec.AuditLog = cfg.StateDir, cfg.AuditLog
	// Keep the record of what was created even when a step fails, so that
	// uninstall can clean up a half-done installation.
	defer func() {
		rec.Created = mergeCreated(rec.Created, in.fs.created)
		if werr := in.writeRecord(rec); werr != nil && err == nil {
			err = werr
		}
	}()

	// The program.
	switch same, serr := in.sameFile(src, in.lay.Program); {
	case serr != nil:
		return serr
	case same:
		in.say("program in place: %s", in.lay.Program)
	default:
		if in.lay.ProgramDir != "" {
			if err := in.fs.mkdir(in.lay.ProgramDir, accessProgram, true); err != nil {
				return err
			}
		}
		if err := in.fs.copyFile(in.lay.Program, src, accessProgram); err != nil {
			return err
		}
		rec.ProgramCopied = true
		in.say("installed the program: %s", in.lay.Program)
	}

	// The config and the folders.
	if err := in.fs.mkdir(in.lay.ConfigDir, accessPublic, true); err != nil {
		return err
	}
	switch {
	case newConfig != nil:
		if err := in.fs.write(in.lay.Paths.Config, newConfig, accessPublic); err != nil {
			return err
		}
		in.say("wrote the config: %s", in.lay.Paths.Config)
	default:
		if err := setAccess(in.fs.root.Path(in.lay.Paths.Config), accessPublic, false); err != nil {
			return fmt.Errorf("setting permissions of %s: %w", in.lay.Paths.Config, err)
		}
		in.say("kept the config: %s", in.lay.Paths.Config)
	}
	if err := checkConfigPerms(in.fs.root.Path(in.lay.Paths.Config)); err != nil {
		return err
	}
	if err := in.fs.mkdir(cfg.StateDir, accessPrivate, cfg.StateDir == in.lay.Paths.StateDir); err != nil {
		return err
	}
	logDir := filepath.Dir(cfg.AuditLog)
	if err := in.fs.mkdir(logDir, accessLogs, logDir == in.lay.LogDir); err != nil {
		return err
	}
	if in.lay.AgentLog != "" && (manager == SysV || manager == Launchd) {
		if err := in.fs.mkdir(in.lay.LogDir, accessLogs, true); err != nil {
			return err
		}
	}
	in.say("state: %s; audit log: %s", cfg.StateDir, cfg.AuditLog)

	// The service, the helper and the OS's extras.
	if upgrade && oldManager != "" && oldManager != manager {
		if err := in.removeFiles(ctx); err != nil {
			return err
		}
	}
	written, err := osFiles(in.lay, manager, in.opt.UdevRule, false)
	if err != nil {
		return err
	}
	for _, f := range written {
		if f.link != "" {
			if err := in.fs.mkdir(filepath.Dir(f.path), accessPublic, false); err != nil {
				return err
			}
			if err := in.fs.symlink(f.path, f.link); err != nil {
				return err
			}
			continue
		}
		if err := in.fs.write(f.path, f.data, f.access); err != nil {
			return err
		}
		if f.what != "" {
			in.say("installed %s: %s", f.what, f.path)
		}
	}
	if err := osInstalled(ctx, in, written); err != nil {
		return err
	}
	if err := in.sys.Enable(ctx, svc); err != nil {
		return err
	}
	if err := in.sys.Start(ctx, svc); err != nil {
		return fmt.Errorf("starting the service: %w", err)
	}
	version := ""
	if in.opt.Version != "" {
		version = " " + in.opt.Version
	}
	if upgrade {
		in.say("dataward%s upgraded and running (%s)", version, manager)
	} else {
		in.say("dataward%s installed and running (%s)", version, manager)
	}
	return nil
}

// Uninstall stops and removes the service, the per-user helper's autostart
// entry, the OS's extras, the program, the config and the state; it gives
// back the USB policy (Options.ReleaseUSB) and leaves only the audit log,
// saying where it is. Run where nothing is installed, it removes what it
// finds and says so.
func Uninstall(ctx context.Context, opt Options) error {
	in, err := prepare(opt)
	if err != nil {
		return err
	}
	rec, installed, err := in.readRecord()
	if err != nil {
		return err
	}
	if rec.StateDir == "" || rec.AuditLog == "" {
		cfg := in.effectiveConfig(nil, false)
		rec.StateDir, rec.AuditLog = cfg.StateDir, cfg.AuditLog
	}
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	// The service first, so that nothing puts back what follows removes:
	// the recorded one, and any other whose definition is there.
	for _, m := range managers[runtime.GOOS] {
		svc := serviceOf(in.lay, m)
		if m != rec.Manager && svc.File != "" && !in.fs.exists(svc.File) {
			continue
		}
		if err := in.sys.Stop(ctx, svc); err != nil {
			// Removing files under a running agent would leave it running
			// unseen: stop here.
			return fmt.Errorf("stopping the service: %w", err)
		}
		keep(in.sys.Disable(ctx, svc))
	}
	keep(in.removeFiles(ctx))
	if in.opt.ReleaseUSB != nil {
		if err := in.opt.ReleaseUSB(ctx); err != nil {
			keep(fmt.Errorf("restoring the USB policy: %w", err))
		} else {
			in.say("restored the USB policy")
		}
	}

	// The state, the config, the socket, the agent's own log, the program.
	keep(in.removeState(rec.StateDir))
	if ok, err := in.fs.remove(in.lay.Paths.Config); err != nil {
		keep(err)
	} else if ok {
		in.say("removed the config: %s", in.lay.Paths.Config)
	}
	keep(in.removeSocket())
	keep(in.removeAgentLog())
	if in.lay.PIDFile != "" {
		_, err := in.fs.remove(in.lay.PIDFile)
		keep(err)
	}
	if rec.ProgramCopied || !installed {
		if ok, err := in.fs.remove(in.lay.Program); err != nil {
			keep(err)
		} else if ok {
			in.say("removed the program: %s", in.lay.Program)
		}
	}
	if _, err := in.fs.remove(in.lay.Record); err != nil {
		keep(err)
	}
	// Folders the installation created, deepest first, when nothing is
	// left in them; and dataward's own ones when no record says more.
	dirs := slices.Clone(rec.Created)
	if !installed {
		dirs = append(dirs, in.lay.ConfigDir, in.lay.ProgramDir)
	}
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	for _, d := range dirs {
		if d != "" && in.fs.empty(d) {
			_, err := in.fs.remove(d)
			keep(err)
		}
	}

	if err := errors.Join(errs...); err != nil {
		return err
	}
	if !installed {
		in.say("dataward was not installed; removed what was left of it")
	}
	if len(in.fs.later) > 0 {
		in.say("in use now, removed at the next restart: %s", strings.Join(in.fs.later, ", "))
	}
	if in.fs.exists(rec.AuditLog) {
		in.say("dataward is uninstalled; its audit log is kept at %s", rec.AuditLog)
	} else {
		in.say("dataward is uninstalled; it wrote no audit log")
	}
	return nil
}

// Start starts the installed service.
func Start(ctx context.Context, opt Options) error {
	return control(ctx, opt, "started", System.Start)
}

// Stop stops the installed service until the next Start or boot.
func Stop(ctx context.Context, opt Options) error {
	return control(ctx, opt, "stopped", System.Stop)
}

// Restart stops and starts the installed service.
func Restart(ctx context.Context, opt Options) error {
	return control(ctx, opt, "restarted", System.Restart)
}

func control(ctx context.Context, opt Options, done string, act func(System, context.Context, Service) error) error {
	in, err := prepare(opt)
	if err != nil {
		return err
	}
	rec, installed, err := in.readRecord()
	if err != nil {
		return err
	}
	if !installed || rec.Manager == "" {
		return ErrNotInstalled
	}
	if err := act(in.sys, ctx, serviceOf(in.lay, rec.Manager)); err != nil {
		return err
	}
	in.say("dataward %s (%s)", done, rec.Manager)
	return nil
}

// configToWrite returns the config install writes: ConfigFile's, validated;
// nil to keep the installed one; or the defaults.
func (in *installation) configToWrite() ([]byte, error) {
	if in.opt.ConfigFile != "" {
		data, err := os.ReadFile(in.opt.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("reading the config: %w", err)
		}
		if _, err := config.Parse(data); err != nil {
			return nil, fmt.Errorf("%s: %w; nothing was changed", in.opt.ConfigFile, err)
		}
		return data, nil
	}
	if in.fs.exists(in.lay.Paths.Config) {
		return nil, nil
	}
	return configs.DefaultYAML, nil
}

// effectiveConfig is the config the agent will read: newConfig, or the
// installed one; its state and audit log paths decide the folders made.
// An installed config that does not parse has its paths taken as the
// defaults, and with warn install says so: the agent will refuse it.
func (in *installation) effectiveConfig(newConfig []byte, warn bool) config.Config {
	data := newConfig
	if data == nil {
		var err error
		data, err = os.ReadFile(in.fs.root.Path(in.lay.Paths.Config))
		if err != nil {
			data = nil
		}
	}
	cfg, err := config.Parse(data)
	if err != nil && warn {
		in.say("warning: %s: %v: the agent will not start until it is fixed (or install with --config FILE)", in.lay.Paths.Config, err)
	}
	if err != nil {
		cfg = config.Default()
	}
	return cfg.WithPaths(in.lay.Paths)
}

// executable is the binary to install.
func (in *installation) executable() (string, error) {
	p := in.opt.Executable
	if p == "" {
		var err error
		if p, err = os.Executable(); err != nil {
			return "", fmt.Errorf("finding the running program: %w", err)
		}
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	fi, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("reading the program: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("the program %s is not a file", p)
	}
	return p, nil
}

// sameFile reports whether src already is the installed program (as when
// a package put it there and runs it).
func (in *installation) sameFile(src, dst string) (bool, error) {
	a, err := os.Stat(src)
	if err != nil {
		return false, fmt.Errorf("reading the program: %w", err)
	}
	b, err := os.Stat(in.fs.root.Path(dst))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", dst, err)
	}
	return os.SameFile(a, b), nil
}

func (in *installation) readRecord() (record, bool, error) {
	data, err := os.ReadFile(in.fs.root.Path(in.lay.Record))
	if errors.Is(err, fs.ErrNotExist) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, fmt.Errorf("reading the installation record: %w", err)
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		// A damaged record still means installed; what it would have said
		// is found again from the layout.
		in.say("warning: %s is damaged (%v): going by the OS defaults", in.lay.Record, err)
		return record{}, true, nil
	}
	return r, true, nil
}

func (in *installation) writeRecord(r record) error {
	if !in.fs.exists(in.lay.ConfigDir) {
		return nil
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return in.fs.write(in.lay.Record, append(data, '\n'), accessPublic)
}

// mergeCreated adds the folders just created to those created before.
func mergeCreated(old, created []string) []string {
	out := slices.Clone(old)
	for _, c := range created {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// removeFiles removes the service definitions of every manager of the OS,
// the helper's autostart entry and the extras, and then tells the OS.
func (in *installation) removeFiles(ctx context.Context) error {
	var removed []osFile
	var errs []error
	seen := map[string]bool{}
	for _, m := range managers[runtime.GOOS] {
		list, err := osFiles(in.lay, m, nil, true)
		if err != nil {
			return err
		}
		gone := false // the service definition went
		for _, f := range list {
			if seen[f.path] {
				continue
			}
			seen[f.path] = true
			ok, err := in.fs.remove(f.path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ok {
				gone = gone || f.path == serviceOf(in.lay, m).File
				removed = append(removed, f)
				if f.what != "" {
					in.say("removed %s: %s", f.what, f.path)
				}
			}
		}
		if gone {
			errs = append(errs, in.sys.Reload(ctx, serviceOf(in.lay, m)))
		}
	}
	errs = append(errs, osRemoved(ctx, in, removed))
	return errors.Join(errs...)
}

// removeState removes the state folder: all of it when it is the default,
// dataward's own; only the state files when the config put it elsewhere.
func (in *installation) removeState(dir string) error {
	if dir == in.lay.Paths.StateDir {
		ok, err := in.fs.removeAll(dir)
		if ok && err == nil {
			in.say("removed the state: %s", dir)
		}
		return err
	}
	entries, err := os.ReadDir(in.fs.root.Path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the state folder: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), state.FileName) {
			_, err := in.fs.remove(filepath.Join(dir, e.Name()))
			errs = append(errs, err)
		}
	}
	if in.fs.empty(dir) {
		_, err := in.fs.remove(dir)
		errs = append(errs, err)
	}
	in.say("removed the state: %s", dir)
	return errors.Join(errs...)
}

// removeAgentLog removes the agent's own log, rotated ones too; the audit
// log beside it stays.
func (in *installation) removeAgentLog() error {
	if in.lay.AgentLog == "" {
		return nil
	}
	logs, err := filepath.Glob(in.fs.root.Path(in.lay.AgentLog) + "*")
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range append(logs, in.fs.root.Path(in.lay.AgentLog)) {
		rel := filepath.Join(filepath.Dir(in.lay.AgentLog), filepath.Base(p))
		_, err := in.fs.remove(rel)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// removeSocket removes a socket the agent left behind and its folder when
// that is dataward's own.
func (in *installation) removeSocket() error {
	p := in.lay.Paths.Socket
	if fi, err := os.Lstat(in.fs.root.Path(p)); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		if _, err := in.fs.remove(p); err != nil {
			return err
		}
	}
	if in.lay.SocketDir != "" && in.fs.empty(in.lay.SocketDir) {
		_, err := in.fs.remove(in.lay.SocketDir)
		return err
	}
	return nil
}
