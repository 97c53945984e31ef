// Package desktop is `dataward tray`, the helper that runs as the user in
// each graphical session so that no deletion comes as a surprise: it
// shows a notification for every flagged file, every warning before a
// deletion and every deletion, and a tray icon whose menu lists the
// user's pending deletions with "Delete now", "Keep for another …" and
// "Show in folder". It talks to the agent over package ipc and reports
// each warning it showed, which the agent's grace rule waits for.
package desktop

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/ipc"
	"dataward/clock"
)

// Agent is what the helper asks of the agent: *ipc.Client, or a fake in
// tests.
type Agent interface {
	Status(ctx context.Context) (ipc.Status, error)
	DeleteNow(ctx context.Context, path string) (ipc.Pending, error)
	Extend(ctx context.Context, path string) (ipc.Pending, error)
	Shown(ctx context.Context, notice uint64, path string) error
	// Subscribe pushes the caller's Notices; the channel is closed when
	// the connection ends.
	Subscribe(ctx context.Context) (<-chan ipc.Notice, error)
	Close() error
}

// Dialer connects to the agent at endpoint. Its error wraps
// ipc.ErrNotRunning when nobody listens there.
type Dialer func(ctx context.Context, endpoint string) (Agent, error)

// DialAgent is the Dialer of the real agent.
func DialAgent(ctx context.Context, endpoint string) (Agent, error) {
	c, err := ipc.Dial(ctx, endpoint)
	if err != nil {
		return nil, err // not a nil *ipc.Client in a non-nil Agent
	}
	return c, nil
}

// Options configure Run.
type Options struct {
	// Endpoint is the agent's socket or pipe (config key socket).
	Endpoint string
	// Clock is the time source; clock.Real{} when nil.
	Clock clock.Clock
	// Log receives the helper's log; Run adds component=tray.
	Log zerolog.Logger
	// Dial connects to the agent; DialAgent when nil.
	Dial Dialer
	// Notifier shows notifications; this OS's NewNotifier when nil.
	Notifier Notifier
	// Tray shows the tray icon as well as notifications. With Tray, Run
	// must be called on the program's main goroutine: the tray's event
	// loop must run on the main thread on macOS and on the thread that
	// made its window on Windows.
	Tray bool
	// Extension is what one "keep it longer" adds (retention.extension),
	// for the menu's label; 24 h when zero.
	Extension time.Duration
	// Protect encrypts the flagged file at path for sharing, as `dataward
	// protect` does, and returns the encrypted file's path and the message
	// that shows its one-time password; nil leaves the menu item out.
	Protect func(ctx context.Context, path string) (out string, m Message, err error)
	// Lock names the one-helper-per-session lock: a file on Unix, a mutex
	// name on Windows. Empty: the session's default.
	Lock string
}

// Timing of the helper.
const (
	minBackoff    = time.Second      // first wait before dialling the agent again
	maxBackoff    = 30 * time.Second // longest wait
	refreshEvery  = time.Minute      // the menu's times, and a fresh status
	callTimeout   = 10 * time.Second // one request to the agent
	notifyTimeout = 30 * time.Second // one notification
	maxRetries    = 10               // retries of a notification that failed
)

// Run is the helper: it holds the session's lock, then follows the agent
// until ctx ends, reconnecting with backoff while the agent is down or
// restarting. A second helper gets ErrAlreadyRunning. Cancellation is not
// an error: Run then returns nil.
func Run(ctx context.Context, o Options) error {
	log := o.Log.With().Str("component", "tray").Logger()
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Dial == nil {
		o.Dial = DialAgent
	}
	if o.Extension <= 0 {
		o.Extension = 24 * time.Hour
	}
	if o.Lock == "" {
		o.Lock = defaultLock()
	}
	release, err := acquireLock(o.Lock)
	if errors.Is(err, ErrAlreadyRunning) {
		log.Info().Str("lock", o.Lock).Msg("another helper is running in this session")
		return err
	}
	if err != nil {
		return err
	}
	defer release()

	if o.Notifier == nil {
		n, err := NewNotifier(log)
		if err != nil {
			return err
		}
		defer func() { _ = n.Close() }()
		o.Notifier = n
	}
	h := newHelper(o, log)
	if !o.Tray {
		return h.loop(ctx)
	}
	return runTray(ctx, log, h)
}

// errDisconnected reports that the agent closed the subscription.
var errDisconnected = errors.New("the agent closed the connection")
