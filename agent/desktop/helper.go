package desktop

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"dataward/agent/ipc"
	"dataward/clock"
)

// view shows the menu somewhere: the tray icon, where there is one.
type view interface {
	show(Menu)
}

// action is a choice the user made in a notification or the menu.
type action struct {
	key, path string
}

// helper follows the agent: it turns Notices into notifications and the
// pending list into the menu, and the user's choices into requests.
// Everything but act and attach runs on the loop's goroutine.
type helper struct {
	o       Options
	log     zerolog.Logger
	actions chan action

	mu   sync.Mutex
	view view
	menu Menu

	pending []ipc.Pending
	retry   map[uint64]*retryNotice // notices not shown yet, by Notice ID
}

type retryNotice struct {
	n     ipc.Notice
	tries int
}

func newHelper(o Options, log zerolog.Logger) *helper {
	return &helper{
		o:       o,
		log:     log,
		actions: make(chan action, 16),
		menu:    buildMenu(nil, false, time.Time{}, 0),
		retry:   map[uint64]*retryNotice{},
	}
}

// act queues the user's choice for the loop; callable from any goroutine.
func (h *helper) act(key, path string) {
	select {
	case h.actions <- action{key, path}:
	default:
		h.log.Warn().Str("action", key).Str("path", path).Msg("too many choices waiting: dropped one")
	}
}

// attach makes v show the menu from now on, starting with the current one.
func (h *helper) attach(v view) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.view = v
	v.show(h.menu)
}

func (h *helper) render(m Menu) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.menu = m
	if h.view != nil {
		h.view.show(m)
	}
}

// loop follows the agent until ctx ends, dialling it again after 1 s,
// 2 s, … up to 30 s while it is down, and after 1 s when a connection
// that worked ends (the agent restarted).
func (h *helper) loop(ctx context.Context) error {
	backoff := minBackoff
	wasDown := false
	for {
		connected, err := h.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		h.pending = nil
		clear(h.retry)
		h.render(buildMenu(nil, false, h.o.Clock.Now(), h.o.Extension))
		if connected {
			backoff = minBackoff
			wasDown = false
		}
		ev := h.log.Debug()
		if !wasDown {
			ev = h.log.Warn() // once per outage, not every 30 s
		}
		ev.Err(err).Dur("retry_in", backoff).Msg("agent not reachable")
		wasDown = true
		if !h.wait(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// wait lets d pass on the clock, answering the user's choices meanwhile;
// it reports false when ctx ended.
func (h *helper) wait(ctx context.Context, d time.Duration) bool {
	fired := make(chan struct{})
	t := h.o.Clock.AfterFunc(d, func() { close(fired) })
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-fired:
			return true
		case a := <-h.actions:
			h.perform(ctx, nil, a)
		}
	}
}

// session is one connection to the agent; connected reports whether it
// got as far as a subscription.
func (h *helper) session(ctx context.Context) (connected bool, err error) {
	ctx = h.log.WithContext(ctx) // the ipc client logs a panic while reading to it
	a, err := h.o.Dial(ctx, h.o.Endpoint)
	if err != nil {
		return false, err
	}
	defer func() { _ = a.Close() }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	notices, err := a.Subscribe(ctx)
	if err != nil {
		return false, err
	}
	h.log.Info().Str("endpoint", h.o.Endpoint).Msg("connected to the agent")

	tick := make(chan struct{}, 1)
	var timer clock.Timer
	arm := func() {
		timer = h.o.Clock.AfterFunc(refreshEvery, func() {
			select {
			case tick <- struct{}{}:
			default:
			}
		})
	}
	arm()
	defer func() { timer.Stop() }()

	h.refresh(ctx, a)
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case n, ok := <-notices:
			if !ok {
				return true, errDisconnected
			}
			h.handle(ctx, a, n)
		case <-tick:
			arm()
			h.refresh(ctx, a)
			h.retryNotices(ctx, a)
		case act := <-h.actions:
			h.perform(ctx, a, act)
		}
	}
}

// handle shows n and, for a flagged file or a warning, tells the agent it
// was shown: the agent deletes no sooner than its grace period after the
// first warning the user saw.
func (h *helper) handle(ctx context.Context, a Agent, n ipc.Notice) {
	log := h.log.With().Uint64("notice", n.Notice).Str("kind", n.Kind).Logger()
	if n.Kind == ipc.NoticePending {
		h.refresh(ctx, a)
		return
	}
	if !h.show(ctx, a, n, log) && needsShown(n) {
		h.retry[n.Notice] = &retryNotice{n: n}
	}
	if n.File != nil {
		h.refresh(ctx, a)
	}
}

// show notifies n and reports Shown to the agent where needed; it reports
// false when the notification could not be shown.
func (h *helper) show(ctx context.Context, a Agent, n ipc.Notice, log zerolog.Logger) bool {
	m, ok := noticeMessage(n, h.o.Clock.Now())
	if !ok {
		log.Debug().Msg("notice not shown")
		return true
	}
	note := Notification{Message: m}
	if n.File != nil {
		note.Path = n.File.Path
	}
	if needsShown(n) {
		path := n.File.Path
		note.Actions = fileActions(*n.File, h.o.Extension)
		note.OnAction = func(key string) { h.act(key, path) }
		note.Urgent = n.Kind == ipc.NoticeWarning
	}
	if err := h.notify(ctx, note); err != nil {
		log.Warn().Err(err).Msg("notification not shown")
		return false
	}
	if needsShown(n) {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		if err := a.Shown(cctx, n.Notice, n.File.Path); err != nil {
			log.Warn().Err(err).Msg("telling the agent a notice was shown")
		}
	}
	return true
}

// needsShown reports whether the agent waits to hear that n was shown.
func needsShown(n ipc.Notice) bool {
	return n.File != nil && (n.Kind == ipc.NoticeFlagged || n.Kind == ipc.NoticeWarning)
}

// retryNotices shows again the notices that failed, while their file is
// still pending.
func (h *helper) retryNotices(ctx context.Context, a Agent) {
	for id, r := range h.retry {
		if !h.isPending(r.n.File.Path) {
			delete(h.retry, id)
			continue
		}
		log := h.log.With().Uint64("notice", id).Str("kind", r.n.Kind).Logger()
		if h.show(ctx, a, r.n, log) {
			delete(h.retry, id)
			continue
		}
		if r.tries++; r.tries >= maxRetries {
			log.Error().Int("tries", r.tries).Msg("gave up showing a notice")
			delete(h.retry, id)
		}
	}
}

func (h *helper) isPending(path string) bool {
	for _, p := range h.pending {
		if p.Path == path {
			return true
		}
	}
	return false
}

func fileActions(p ipc.Pending, extension time.Duration) []Action {
	var as []Action
	if l := KeepLabel(p, extension); l != "" {
		as = append(as, Action{Key: ActionKeep, Label: l})
	}
	return append(as, Action{Key: ActionDelete, Label: LabelDeleteNow}, Action{Key: ActionShow, Label: LabelShowInFolder})
}

// refresh asks the agent for the pending list and redraws the menu; the
// times are redrawn even when the agent does not answer.
func (h *helper) refresh(ctx context.Context, a Agent) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	st, err := a.Status(cctx)
	if err != nil {
		h.log.Warn().Err(err).Msg("asking the agent for its status")
	} else {
		h.pending = st.Pending
	}
	h.render(buildMenu(h.pending, true, h.o.Clock.Now(), h.o.Extension))
}

// perform carries out the user's choice; a is nil while the agent is away.
func (h *helper) perform(ctx context.Context, a Agent, act action) {
	log := h.log.With().Str("action", act.key).Str("path", act.path).Logger()
	log.Info().Msg("user chose")
	if act.key == ActionProtect {
		h.protect(ctx, act)
		return
	}
	if act.key == ActionShow {
		if err := showInFolder(h.log, act.path); err != nil {
			log.Warn().Err(err).Msg("showing the file's folder")
			h.notifyRefused(ctx, act, err.Error())
		}
		return
	}
	if act.key != ActionKeep && act.key != ActionDelete {
		log.Warn().Msg("unknown action")
		return
	}
	if a == nil {
		h.notifyRefused(ctx, act, notRunningReason)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var p ipc.Pending
	var err error
	if act.key == ActionKeep {
		p, err = a.Extend(cctx, act.path)
	} else {
		p, err = a.DeleteNow(cctx, act.path)
	}
	switch {
	case errors.Is(err, ipc.ErrNotRunning):
		h.notifyRefused(ctx, act, notRunningReason)
	case err != nil:
		log.Warn().Err(err).Msg("the agent refused")
		h.notifyRefused(ctx, act, agentReason(err, act.path))
	case act.key == ActionKeep:
		// The agent sends no Notice for an extension: confirm it here.
		if err := h.notify(ctx, Notification{Message: extendedMessage(p, h.o.Clock.Now()), Path: act.path}); err != nil {
			log.Warn().Err(err).Msg("notification not shown")
		}
	}
	// A deletion is confirmed by the agent's "deleted" Notice.
	h.refresh(ctx, a)
}

func (h *helper) notifyRefused(ctx context.Context, act action, reason string) {
	if err := h.notify(ctx, Notification{Message: refusedMessage(act.key, act.path, reason), Path: act.path}); err != nil {
		h.log.Warn().Err(err).Msg("notification not shown")
	}
}

func (h *helper) notify(ctx context.Context, n Notification) error {
	ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
	defer cancel()
	return h.o.Notifier.Notify(ctx, n)
}

// agentReason says why the agent refused a choice about path: in plain
// words for the refusals the ipc package names, else in the agent's own
// words, without the request's name the ipc client puts before them and
// with the file's name only, never its folder.
func agentReason(err error, path string) string {
	switch {
	case errors.Is(err, ipc.ErrNoExtensionsLeft):
		return "It has already been kept for as long as the policy allows."
	case errors.Is(err, ipc.ErrNotFound):
		return "It is no longer waiting to be deleted."
	case errors.Is(err, ipc.ErrNotYours):
		return "It belongs to another user."
	}
	msg := err.Error()
	for _, op := range []string{ipc.OpExtend, ipc.OpDeleteNow} {
		msg = strings.TrimPrefix(msg, op+": ")
	}
	if path != "" {
		msg = strings.ReplaceAll(msg, path, FileName(path))
	}
	msg = cleanText(msg)
	if msg == "" {
		return "The agent gave no reason."
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// protect encrypts a flagged file for sharing, in the user's own process
// (the file is theirs), shows the encrypted file in its folder and the
// one-time password in a notification kept on screen until dismissed. The
// password is shown there and nowhere else: not logged, not kept.
func (h *helper) protect(ctx context.Context, act action) {
	log := h.log.With().Str("action", act.key).Str("path", act.path).Logger()
	if h.o.Protect == nil || !h.isPending(act.path) {
		h.notifyRefused(ctx, act, "Only a file dataward flagged can be encrypted from this menu; use dataward protect for others.")
		return
	}
	out, msg, err := h.o.Protect(ctx, act.path)
	if err != nil {
		log.Warn().Err(err).Msg("encrypting for sharing")
		h.notifyRefused(ctx, act, err.Error())
		return
	}
	log.Info().Str("out", out).Msg("encrypted for sharing")
	if err := showInFolder(h.log, out); err != nil {
		log.Warn().Err(err).Msg("showing the encrypted file's folder")
	}
	if err := h.notify(ctx, Notification{Message: msg, Path: out, Urgent: true}); err != nil {
		log.Warn().Err(err).Msg("notification not shown")
	}
}
