package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/audit"
	"dataward/agent/command"
	"dataward/agent/erase"
	"dataward/agent/fde"
	"dataward/agent/ipc"
	"dataward/agent/routine"
	"dataward/agent/state"
	"dataward/agent/usb"
	"dataward/clock"
	"dataward/policy/classify"
	"dataward/policy/config"
	"dataward/policy/retention"
	"dataward/watchers/downloads"
	"dataward/watchers/volumes"
)

// Timings of the daemon.
const (
	// stopTimeout is shorter than every service manager's limit (systemd's
	// 90 s, the Windows SCM's 20 s for a shutdown).
	stopTimeout = 10 * time.Second
	// rediscover is how often users and Downloads folders are looked for
	// again, so that ones created after start are watched.
	rediscover = 30 * time.Second
	// inspectTimeout bounds the classification of one file.
	inspectTimeout = 30 * time.Second
	// workers classify files concurrently; the machine has few cores and
	// the agent must stay in the background.
	workers = 2
)

// Options are what the daemon is given besides its config.
type Options struct {
	Version string
	Clock   clock.Clock
	Log     zerolog.Logger
	// SystemRoot prefixes system paths (/etc/passwd, /Users): tests point
	// it at a fixture tree. Empty is the real root.
	SystemRoot string
}

// App is the daemon: Start returns at once and the work goes on in a run
// group until Stop.
type App struct {
	cfg   config.Config
	opt   Options
	log   zerolog.Logger
	audit *audit.Log
	tr    *tracker
	w     *downloads.Watcher
	srv   *ipc.Server
	start time.Time
	enc   *encryptionCheck
	vw    *volumes.Watcher
	guard *usbGuard

	mu   sync.Mutex
	done chan error
	stop *stopper
}

// New prepares the daemon: it opens the audit log and loads the state, so
// that a problem with either is reported before anything starts.
func New(cfg config.Config, opt Options) (*App, error) {
	if opt.Clock == nil {
		opt.Clock = clock.Real{}
	}
	log := opt.Log.With().Str("component", "agent").Logger()
	al, err := audit.Open(cfg.AuditLog, opt.Clock.Now)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, opt: opt, log: log, audit: al}
	copt := classify.DefaultOptions()
	copt.MinRecords = cfg.Classify.MinRecords
	a.tr = &tracker{
		log:      opt.Log.With().Str("component", "tracker").Logger(),
		audit:    al,
		clock:    opt.Clock,
		rules:    rulesOf(cfg.Retention),
		warn:     a.warn,
		notify:   a.notify,
		stateDir: cfg.StateDir,
		erase:    erase.Erase,
		stat: func(root, rel string) (erase.Identity, error) {
			return erase.Inspect(root, rel, func(*os.File, int64) bool { return false })
		},
		inspect: func(ctx context.Context, root, rel string) (inspection, error) {
			copt := copt
			copt.Now = opt.Clock.Now()
			in, err := inspectFile(ctx, root, rel, copt)
			if err == nil && in.owner == "" {
				in.owner, in.uid = a.rootOwner(root)
			}
			return in, err
		},
	}
	if err := a.tr.load(); err != nil {
		al.Close()
		return nil, err
	}
	a.enc = &encryptionCheck{
		log:     opt.Log.With().Str("component", "fde").Logger(),
		audit:   al,
		clock:   opt.Clock,
		every:   cfg.Encryption.CheckEvery.D(),
		require: cfg.Encryption.Require,
		check:   fde.New(fde.Options{}).Check,
		tell:    a.broadcast,
		stop:    newStopper(),
		wake:    make(chan struct{}, 1),
	}
	a.vw = volumes.New(volumes.Options{Clock: opt.Clock, Log: opt.Log})
	a.guard = &usbGuard{
		log:        opt.Log.With().Str("component", "usb").Logger(),
		audit:      al,
		clock:      opt.Clock,
		plat:       realUSB,
		env:        usb.Env{Run: command.Run, Extra: cfg.USB.ExtraDevices},
		allow:      rulesOfUSB(cfg.USB.Allow),
		blockWrite: cfg.USB.BlockWrites,
		scanVols:   cfg.Watch.Volumes,
		inspect: func(ctx context.Context, root, rel string) (inspection, error) {
			copt := copt
			copt.Now = opt.Clock.Now()
			return inspectFile(ctx, root, rel, copt)
		},
		tell:   a.broadcast,
		events: a.vw.Events(),
		stop:   newStopper(),
		wake:   make(chan struct{}, 1),
	}
	a.w = downloads.New(downloads.Options{
		System:     downloads.System{Root: opt.SystemRoot},
		Find:       downloads.FindOptions{Downloads: cfg.Watch.Downloads, Extra: cfg.Watch.Paths},
		Settle:     cfg.Watch.Settle.D(),
		Rediscover: rediscover,
		Clock:      opt.Clock,
		Log:        opt.Log,
	})
	return a, nil
}

// rootOwner names the owner of a watched folder, for files whose own owner
// says nothing (Windows).
func (a *App) rootOwner(root string) (string, int) {
	for _, r := range a.w.Roots() {
		if r.Path == root {
			return r.User, r.UID
		}
	}
	return "", -1
}

func rulesOf(r config.Retention) retention.Rules {
	warn := make([]time.Duration, len(r.WarnBefore))
	for i, d := range r.WarnBefore {
		warn[i] = d.D()
	}
	return retention.Rules{Personal: r.Personal.D(), WarnBefore: warn, Grace: r.Grace.D(),
		Extension: r.Extension.D(), MaxExtensions: r.MaxExtensions, AckWait: ackWait}
}

// Start starts the daemon's actors and returns.
func (a *App) Start() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done != nil {
		return errors.New("already started")
	}
	srv, err := ipc.Listen(a.cfg.Socket, handler{a}, a.opt.Log.With().Str("component", "ipc").Logger())
	if err != nil {
		return fmt.Errorf("serving %s: %w", a.cfg.Socket, err)
	}
	a.srv = srv
	a.start = a.opt.Clock.Now()
	a.stop = newStopper()
	g := &group{log: a.log}
	g.add("ipc", srv.Execute, srv.Interrupt)
	g.add("encryption", a.enc.execute, a.enc.stop.stop)
	g.add("downloads", a.w.Execute, a.w.Interrupt)
	g.add("volumes", func() error {
		// Without the mount table the agent still guards Downloads; USB
		// storage is then reported as not watched.
		if err := a.vw.Execute(); err != nil {
			a.log.Error().Err(err).Msg("not watching mounts: usb storage is not blocked")
			a.guard.unavailable(err)
			<-a.stop.done()
		}
		return nil
	}, a.vw.Interrupt)
	g.add("usb", a.guard.execute, a.guard.stop.stop)
	g.add("tracker", func() error {
		a.tr.tick()
		<-a.stop.done()
		return nil
	}, a.stop.stop)
	ctx, cancel := context.WithCancel(context.Background())
	g.add("inspect", func() error {
		a.process(ctx)
		return nil
	}, func(error) { cancel() })
	g.add("stop", func() error { <-a.stop.done(); return nil }, a.stop.stop)

	a.audit.Event(audit.AgentStarted).Str("version", a.opt.Version).Int("flagged", len(a.tr.pending())).
		Dur("retention", a.cfg.Retention.Personal.D()).Send()
	a.done = make(chan error, 1)
	routine.Go(a.log, "group", func() { a.done <- g.run() })
	return nil
}

// process hands watcher events to the tracker, a few files at a time.
func (a *App) process(ctx context.Context) {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case ev, ok := <-a.w.Events():
					if !ok {
						return
					}
					switch ev.Op {
					case downloads.Ready:
						a.tr.seen(ctx, ev.Root.Path, ev.Rel)
					case downloads.Removed:
						a.tr.removed(ev.Root.Path, ev.Rel)
					}
				}
			}
		})
	}
	wg.Wait()
}

// Stop stops the actors, saves the state and closes the audit log, within
// stopTimeout.
func (a *App) Stop() error {
	a.mu.Lock()
	done, stop := a.done, a.stop
	a.mu.Unlock()
	var err error
	if done != nil {
		stop.stop(nil)
		select {
		case err = <-done:
		case <-time.After(stopTimeout):
			err = fmt.Errorf("actors did not stop within %s", stopTimeout)
		}
	}
	if serr := a.tr.stop(); serr != nil {
		err = errors.Join(err, serr)
	}
	if done != nil {
		a.audit.Event(audit.AgentStopped).Send()
	}
	return errors.Join(err, a.audit.Close())
}

// Run runs the daemon in the foreground until ctx ends.
func (a *App) Run(ctx context.Context) error {
	if err := a.Start(); err != nil {
		return err
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-a.done:
		a.done <- err // Stop reads it again
	}
	return errors.Join(err, a.Stop())
}

// warn hands a warning to the file's user's desktop helpers, if any are
// connected.
func (a *App) warn(f state.File, lead time.Duration, deleteAt time.Time) bool {
	srv := a.server()
	if srv == nil {
		return false
	}
	p := a.tr.pendingOf(&f)
	p.DeleteAt = deleteAt
	return srv.Notify(f.UID, userSID(f.Owner), ipc.Notice{Kind: ipc.NoticeWarning, File: &p, Lead: lead})
}

// notify tells the file's user's desktop helpers what happened to it.
func (a *App) notify(kind string, f state.File) {
	if srv := a.server(); srv != nil {
		p := a.tr.pendingOf(&f)
		srv.Notify(f.UID, userSID(f.Owner), ipc.Notice{Kind: kind, File: &p})
	}
}

// broadcast tells every desktop helper news about the machine.
func (a *App) broadcast(n ipc.Notice) int {
	if srv := a.server(); srv != nil {
		return srv.Broadcast(n)
	}
	return 0
}

func (a *App) server() *ipc.Server {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.srv
}

// handler answers the desktop helpers and `dataward status`.
type handler struct{ a *App }

func (h handler) Status(p ipc.Peer) ipc.Status {
	st := ipc.Status{Version: h.a.opt.Version, Started: h.a.start, Watching: []string{},
		Pending: h.a.tr.pendingFor(p), Encryption: h.a.enc.volumes(), USB: h.a.guard.status()}
	for _, r := range h.a.w.Roots() {
		if p.Admin || (p.UID >= 0 && p.UID == r.UID) || (r.UID < 0 && p.User != "" && p.User == r.User) {
			st.Watching = append(st.Watching, r.Path)
		}
	}
	return st
}

func (h handler) DeleteNow(p ipc.Peer, path string) (ipc.Pending, error) {
	return h.a.tr.deleteNow(p, path)
}
func (h handler) Extend(p ipc.Peer, path string) (ipc.Pending, error) { return h.a.tr.extend(p, path) }
func (h handler) Shown(p ipc.Peer, _ uint64, path string) error       { return h.a.tr.shown(p, path) }

// inspectFile classifies root/rel and, when it is personal, pins its
// identity (hashing it), reading one file opened beneath root without
// following any link: only a regular file with one link is read.
func inspectFile(ctx context.Context, root, rel string, copt classify.Options) (inspection, error) {
	ctx, cancel := context.WithTimeout(ctx, inspectTimeout)
	defer cancel()
	var in inspection
	id, err := erase.Inspect(root, rel, func(f *os.File, size int64) bool {
		cr := &countingReaderAt{r: f}
		in.result = classify.Classify(ctx, cr, size, copt)
		in.read = cr.n.Load()
		if fi, err := f.Stat(); err == nil {
			in.uid, in.owner = fileOwner(fi)
		}
		return in.result.Verdict == classify.Personal
	})
	if err != nil {
		return inspection{}, err
	}
	in.id = id
	return in, nil
}

// countingReaderAt counts the bytes read through it: what classifying a
// file cost, for the volume scan's budget.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}
