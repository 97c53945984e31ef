package desktop

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/agent/routine"
	"dataward/clock"
)

// wait is how long a test waits for the helper to do something it will do
// at once: generous for a loaded CI machine, never reached when it works.
const wait = 5 * time.Second

// call is one request the fake agent received.
type call struct {
	op     string
	path   string
	notice uint64
}

// fakeAgent is the agent's end of one connection.
type fakeAgent struct {
	notices chan ipc.Notice
	calls   chan call
	drop    func() // ends the subscription, as an agent that stops

	mu        sync.Mutex
	status    ipc.Status
	extendErr error
	deleteErr error
}

func newFakeAgent(st ipc.Status) *fakeAgent {
	a := &fakeAgent{notices: make(chan ipc.Notice), calls: make(chan call, 100), status: st}
	a.drop = sync.OnceFunc(func() { close(a.notices) })
	return a
}

func (a *fakeAgent) Status(context.Context) (ipc.Status, error) {
	a.calls <- call{op: ipc.OpStatus}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status, nil
}

func (a *fakeAgent) find(path string) (ipc.Pending, bool) {
	for _, p := range a.status.Pending {
		if p.Path == path {
			return p, true
		}
	}
	return ipc.Pending{}, false
}

func (a *fakeAgent) DeleteNow(_ context.Context, path string) (ipc.Pending, error) {
	a.calls <- call{op: ipc.OpDeleteNow, path: path}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.deleteErr != nil {
		return ipc.Pending{}, a.deleteErr
	}
	p, _ := a.find(path)
	return p, nil
}

func (a *fakeAgent) Extend(_ context.Context, path string) (ipc.Pending, error) {
	a.calls <- call{op: ipc.OpExtend, path: path}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.extendErr != nil {
		return ipc.Pending{}, a.extendErr
	}
	p, _ := a.find(path)
	p.Deadline = p.Deadline.Add(24 * time.Hour)
	p.DeleteAt = time.Time{}
	p.ExtensionsLeft--
	return p, nil
}

func (a *fakeAgent) Shown(_ context.Context, notice uint64, path string) error {
	a.calls <- call{op: ipc.OpShown, notice: notice, path: path}
	return nil
}

func (a *fakeAgent) Subscribe(context.Context) (<-chan ipc.Notice, error) {
	return a.notices, nil
}

func (a *fakeAgent) Close() error {
	a.drop()
	return nil
}

// send pushes a Notice to the helper.
func (a *fakeAgent) send(t *testing.T, n ipc.Notice) {
	t.Helper()
	select {
	case a.notices <- n:
	case <-time.After(wait):
		t.Fatalf("the helper did not take notice %d", n.Notice)
	}
}

// expect waits for a request with op (and path, if given), skipping others.
func (a *fakeAgent) expect(t *testing.T, op, path string) call {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case c := <-a.calls:
			if c.op == op && (path == "" || c.path == path) {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s request for %q", op, path)
		}
	}
}

// refuse fails if op reaches the agent within a short while.
func (a *fakeAgent) refuse(t *testing.T, op string) {
	t.Helper()
	deadline := time.After(100 * time.Millisecond)
	for {
		select {
		case c := <-a.calls:
			require.NotEqual(t, op, c.op, "unexpected %+v", c)
		case <-deadline:
			return
		}
	}
}

// fakeDialer hands out a new fakeAgent per dial while the agent is up.
type fakeDialer struct {
	agents chan *fakeAgent

	mu     sync.Mutex
	down   bool
	dials  int
	status ipc.Status
}

func (d *fakeDialer) dial(_ context.Context, endpoint string) (Agent, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials++
	if d.down {
		return nil, fmt.Errorf("dialing %s: %w", endpoint, ipc.ErrNotRunning)
	}
	a := newFakeAgent(d.status)
	d.agents <- a
	return a, nil
}

func (d *fakeDialer) setDown(down bool) {
	d.mu.Lock()
	d.down = down
	d.mu.Unlock()
}

func (d *fakeDialer) dialCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dials
}

// next is the agent of the next successful dial.
func (d *fakeDialer) next(t *testing.T) *fakeAgent {
	t.Helper()
	select {
	case a := <-d.agents:
		return a
	case <-time.After(wait):
		t.Fatal("the helper did not connect")
		return nil
	}
}

// fakeNotifier records notifications; fail makes the next ones fail.
type fakeNotifier struct {
	shown chan Notification
	mu    sync.Mutex
	fail  int
}

func newFakeNotifier() *fakeNotifier { return &fakeNotifier{shown: make(chan Notification, 100)} }

func (f *fakeNotifier) Notify(_ context.Context, n Notification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return fmt.Errorf("no notification server")
	}
	f.shown <- n
	return nil
}

func (f *fakeNotifier) Close() error { return nil }

func (f *fakeNotifier) next(t *testing.T) Notification {
	t.Helper()
	select {
	case n := <-f.shown:
		return n
	case <-time.After(wait):
		t.Fatal("no notification")
		return Notification{}
	}
}

func (f *fakeNotifier) none(t *testing.T) {
	t.Helper()
	select {
	case n := <-f.shown:
		t.Fatalf("unexpected notification %+v", n)
	case <-time.After(100 * time.Millisecond):
	}
}

// fakeView records the menus drawn.
type fakeView struct {
	menus chan Menu
}

func (v *fakeView) show(m Menu) { v.menus <- m }

// until waits for a menu that satisfies ok.
func (v *fakeView) until(t *testing.T, ok func(Menu) bool) Menu {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case m := <-v.menus:
			if ok(m) {
				return m
			}
		case <-deadline:
			t.Fatal("the menu never got there")
			return Menu{}
		}
	}
}

// helperRun is a helper loop under test, on a fake clock.
type helperRun struct {
	clock  *clock.Fake
	dialer *fakeDialer
	notes  *fakeNotifier
	view   *fakeView
	done   chan error
	act    func(key, path string)
}

func startLoop(t *testing.T, st ipc.Status, down bool) *helperRun {
	t.Helper()
	r := &helperRun{
		clock:  clock.NewFake(now),
		dialer: &fakeDialer{agents: make(chan *fakeAgent, 10), down: down, status: st},
		notes:  newFakeNotifier(),
		view:   &fakeView{menus: make(chan Menu, 100)},
		done:   make(chan error, 1),
	}
	o := Options{
		Endpoint:  "test",
		Clock:     r.clock,
		Log:       zerolog.New(zerolog.NewTestWriter(t)),
		Dial:      r.dialer.dial,
		Notifier:  r.notes,
		Extension: 24 * time.Hour,
	}
	h := newHelper(o, o.Log)
	h.attach(r.view)
	ctx, cancel := context.WithCancel(t.Context())
	routine.Go(o.Log, "test loop", func() { r.done <- h.loop(ctx) })
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			require.NoError(t, err)
		case <-time.After(wait):
			t.Error("the loop did not stop")
		}
	})
	r.act = h.act
	return r
}

// timers waits until the loop has n timers set, so that moving the clock
// reaches them.
func (r *helperRun) timers(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return r.clock.Pending() == n }, wait, time.Millisecond)
}

func pendingFile(name string, deadline time.Time) ipc.Pending {
	return ipc.Pending{
		Path:           filepath.Join(string(filepath.Separator), "home", "ann", "Downloads", name),
		Owner:          "ann",
		Records:        35,
		FirstSeen:      deadline.Add(-72 * time.Hour),
		Deadline:       deadline,
		ExtensionsLeft: 2,
	}
}
