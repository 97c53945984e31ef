package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"

	"dataward/agent/audit"
	"dataward/agent/routine"
	"dataward/clock"
	"dataward/policy/config"
)

// reloadSettle is how long the config file must be quiet before it is read
// again: editors write a file in several steps, or replace it by rename.
const reloadSettle = 500 * time.Millisecond

// SuperviseOptions are what Supervise needs besides the daemon's Options.
type SuperviseOptions struct {
	// Path is the config file the daemon runs from and watches; empty
	// means the defaults, which are never reloaded.
	Path string
	// Config is the config already loaded from Path.
	Config config.Config
	// Check vets the config file before it is used (its permissions: a
	// file others can write must not steer a root daemon); nil checks
	// nothing.
	Check func(path string) error
	// Reload asks for the config to be read again (SIGHUP).
	Reload <-chan os.Signal
	// Started, if set, is called with each daemon once it has started.
	Started func(*App)
}

// Supervise runs the daemon until ctx ends, and applies a changed config
// file without stopping the process: when the file changes (or on Reload)
// it is read and validated; a bad one is audited as config_rejected and the
// one in force stays; a good one replaces the daemon, which keeps its
// state (flagged files, deadlines) on disk in between.
func Supervise(ctx context.Context, so SuperviseOptions, opt Options) error {
	if opt.Clock == nil {
		opt.Clock = clock.Real{}
	}
	log := opt.Log.With().Str("component", "config").Logger()
	a, err := New(so.Config, opt)
	if err != nil {
		return err
	}
	if err := a.Start(); err != nil {
		return errors.Join(err, a.Stop())
	}
	if so.Started != nil {
		so.Started(a)
	}

	changed := make(chan struct{}, 1)
	if so.Path != "" {
		w, err := watchConfig(so.Path, opt.Clock, log, changed)
		if err != nil {
			// Without a file watch SIGHUP still works.
			log.Warn().Err(err).Str("path", so.Path).Msg("not watching the config file; send SIGHUP after a change")
		} else {
			defer w.close()
		}
	}
	cur := so.Config
	for {
		select {
		case <-ctx.Done():
			return a.Stop()
		case err := <-a.done:
			a.done <- err // Stop reads it again
			return errors.Join(err, a.Stop())
		case <-so.Reload:
		case <-changed:
		}
		if so.Path == "" {
			log.Info().Msg("reload asked for, but no config file is in use")
			continue
		}
		next, err := readConfig(so.Path, so.Check)
		if err != nil {
			a.audit.Event(audit.ConfigRejected).Str("path", so.Path).Str("error", err.Error()).Send()
			log.Error().Err(err).Str("path", so.Path).Msg("config rejected; the one in force stays")
			continue
		}
		if reflect.DeepEqual(next, cur) {
			continue
		}
		b, err := replace(a, next, cur, opt)
		if b == nil {
			return err
		}
		a = b
		if err != nil {
			a.audit.Event(audit.ConfigRejected).Str("path", so.Path).Str("error", err.Error()).Send()
			log.Error().Err(err).Str("path", so.Path).Msg("config rejected; the one in force stays")
			continue
		}
		cur = next
		a.audit.Event(audit.ConfigReloaded).Str("path", so.Path).Send()
		log.Info().Str("path", so.Path).Msg("config reloaded")
		if so.Started != nil {
			so.Started(a)
		}
	}
}

// readConfig reads, vets and validates the config at path.
func readConfig(path string, check func(string) error) (config.Config, error) {
	if check != nil {
		if err := check(path); err != nil {
			return config.Config{}, err
		}
	}
	return LoadConfig(path)
}

// replace stops a and starts a daemon with next. If that fails, it starts
// one with cur again and returns it with the error; it returns nil only if
// neither starts.
func replace(a *App, next, cur config.Config, opt Options) (*App, error) {
	if err := a.Stop(); err != nil {
		opt.Log.Warn().Err(err).Msg("stopping for a config reload")
	}
	b, err := New(next, opt)
	if err == nil {
		if err = b.Start(); err == nil {
			return b, nil
		}
		err = errors.Join(err, b.Stop())
	}
	old, oerr := New(cur, opt)
	if oerr == nil {
		if oerr = old.Start(); oerr == nil {
			return old, fmt.Errorf("the new config did not start: %w", err)
		}
	}
	return nil, fmt.Errorf("the new config did not start (%w), nor did the old one: %w", err, oerr)
}

// configWatch reports changes of one file by watching its folder, so that a
// file replaced by rename is still seen.
type configWatch struct {
	w    *fsnotify.Watcher
	done chan struct{}
	wg   sync.WaitGroup
}

func watchConfig(path string, clk clock.Clock, log zerolog.Logger, changed chan<- struct{}) (*configWatch, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching the config: %w", err)
	}
	if err := w.Add(filepath.Dir(path)); err != nil {
		w.Close()
		return nil, fmt.Errorf("watching the config: %w", err)
	}
	cw := &configWatch{w: w, done: make(chan struct{})}
	name := filepath.Clean(path)
	cw.wg.Add(1)
	routine.Go(log, "config-watch", func() {
		defer cw.wg.Done()
		var mu sync.Mutex
		var t clock.Timer
		fire := func() {
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		for {
			select {
			case <-cw.done:
				mu.Lock()
				if t != nil {
					t.Stop()
				}
				mu.Unlock()
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Clean(ev.Name) != name {
					continue
				}
				mu.Lock()
				if t != nil {
					t.Stop()
				}
				t = clk.AfterFunc(reloadSettle, fire)
				mu.Unlock()
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				log.Warn().Err(err).Msg("config watch")
				fire()
			}
		}
	})
	return cw, nil
}

func (c *configWatch) close() {
	close(c.done)
	c.w.Close()
	c.wg.Wait()
}

// Supervisor is Supervise as a service manager's program: Start returns
// once the daemon runs (the Windows service control manager waits for
// it), Stop ends it within stopTimeout.
type Supervisor struct {
	so   SuperviseOptions
	opt  Options
	exit func(error)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
}

// NewSupervisor returns a Supervisor; exit, if set, is called when the
// daemon ends by itself (an actor failed), with its error.
func NewSupervisor(so SuperviseOptions, opt Options, exit func(error)) *Supervisor {
	return &Supervisor{so: so, opt: opt, exit: exit}
}

// Start starts the daemon and returns once it runs, or with the error
// that stopped it from starting.
func (s *Supervisor) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return errors.New("already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	so := s.so
	so.Started = func(a *App) {
		once.Do(func() { close(started) })
		if s.so.Started != nil {
			s.so.Started(a)
		}
	}
	done := make(chan error, 1)
	s.cancel, s.done = cancel, done
	routine.Go(s.opt.Log, "supervise", func() {
		err := Supervise(ctx, so, s.opt)
		if ctx.Err() == nil && s.exit != nil {
			s.exit(err)
		}
		done <- err
	})
	select {
	case <-started:
		return nil
	case err := <-done:
		done <- err
		return err
	}
}

// Stop stops the daemon and returns its error.
func (s *Supervisor) Stop() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	cancel()
	select {
	case err := <-done:
		done <- err
		return err
	case <-time.After(stopTimeout + 5*time.Second):
		return fmt.Errorf("the agent did not stop within %s", stopTimeout+5*time.Second)
	}
}
