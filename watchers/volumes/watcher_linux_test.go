package volumes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dataward/clock"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRoot makes a SysRoot whose mountinfo is a copy of testdata/name and
// returns the path to rewrite it. A regular file never raises POLLPRI, so
// only the Fallback timer makes the Watcher read it again.
func fakeRoot(t *testing.T, name string) (root, mountinfo string) {
	t.Helper()
	root = t.TempDir()
	dir := filepath.Join(root, "proc", "self")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	mountinfo = filepath.Join(dir, "mountinfo")
	copyTestdata(t, name, mountinfo)
	return root, mountinfo
}

func copyTestdata(t *testing.T, name, to string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// start runs w.Execute and returns a channel closed when it has returned,
// and where to find its result; the test ends by interrupting w and
// waiting for it.
func start(t *testing.T, w *Watcher) (exited <-chan struct{}, err *error) {
	t.Helper()
	done := make(chan struct{})
	err = new(error)
	go func() {
		defer close(done)
		*err = w.Execute()
	}()
	t.Cleanup(func() {
		w.Interrupt(nil)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Execute did not return after Interrupt")
		}
	})
	return done, err
}

// stopAndWait interrupts w and returns Execute's result.
func stopAndWait(t *testing.T, w *Watcher, exited <-chan struct{}, err *error) error {
	t.Helper()
	w.Interrupt(nil)
	w.Interrupt(nil)
	select {
	case <-exited:
		return *err
	case <-time.After(5 * time.Second):
		t.Fatal("Execute did not return after Interrupt")
		return nil
	}
}

// warnings counts the watcher's log lines at level warn.
type warnings struct {
	t *testing.T
	n atomic.Int32
}

func (w *warnings) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	if strings.Contains(string(p), `"level":"warn"`) {
		w.n.Add(1)
	}
	return len(p), nil
}

// next returns the next n events; the real-time limit only guards against
// a hang.
func next(t *testing.T, w *Watcher, n int) []Event {
	t.Helper()
	var evs []Event
	for len(evs) < n {
		select {
		case ev, ok := <-w.Events():
			require.True(t, ok, "Events closed after %v", evs)
			evs = append(evs, ev)
		case <-time.After(5 * time.Second):
			require.Failf(t, "timeout", "got %d of %d events: %v", len(evs), n, evs)
		}
	}
	return evs
}

func TestWatcherFallback(t *testing.T) {
	t.Parallel()
	root, mountinfo := fakeRoot(t, "bind.mountinfo")
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	warns := &warnings{t: t}
	w := New(Options{SysRoot: root, Clock: clk, Log: zerolog.New(warns)})
	exited, execErr := start(t, w)

	evs := next(t, w, 4)
	for i, id := range []int{29, 812, 830, 845} {
		assert.Equal(t, Mounted, evs[i].Op)
		assert.Equal(t, id, evs[i].Mount.ID)
	}
	require.Len(t, w.Mounts(), 4)
	require.Equal(t, 1, clk.Pending(), "the Fallback timer is armed")

	copyTestdata(t, "remount_ro.mountinfo", mountinfo)
	clk.Advance(DefaultFallback - time.Second)
	select {
	case ev := <-w.Events():
		t.Fatalf("event before the Fallback period: %v", ev)
	default:
	}
	clk.Advance(time.Second)
	evs = next(t, w, 4)
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Op.String()+" "+ev.Mount.Point)
	}
	assert.Equal(t, []string{
		"unmounted /srv/docker",
		"changed /media/user/STICK",
		"changed /home/user/stickdocs",
		"mounted /media/user/RO",
	}, got)
	assert.True(t, evs[1].Mount.ReadOnly)
	assert.True(t, evs[2].Mount.ReadOnly, "bind of a superblock remounted ro")

	// A torn or broken table is logged and read again at the next period.
	require.NoError(t, os.WriteFile(mountinfo, []byte("garbage\n"), 0o644))
	clk.Advance(DefaultFallback)
	require.Eventually(t, func() bool { return warns.n.Load() == 1 }, 5*time.Second, time.Millisecond)
	copyTestdata(t, "bind.mountinfo", mountinfo)
	require.Eventually(t, func() bool { return clk.Pending() == 1 }, 5*time.Second, time.Millisecond)
	clk.Advance(DefaultFallback)
	evs = next(t, w, 4)
	assert.Equal(t, Unmounted, evs[0].Op)
	assert.Equal(t, 850, evs[0].Mount.ID)
	assert.Len(t, w.Mounts(), 4)

	require.NoError(t, stopAndWait(t, w, exited, execErr))
	_, open := <-w.Events()
	assert.False(t, open)
	assert.Equal(t, 0, clk.Pending(), "the Fallback timer is stopped")
}

func TestWatcherStartErrors(t *testing.T) {
	t.Parallel()
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		w := New(Options{SysRoot: t.TempDir(), Log: zerolog.Nop()})
		require.ErrorIs(t, w.Execute(), os.ErrNotExist)
	})
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		root, mountinfo := fakeRoot(t, "bind.mountinfo")
		require.NoError(t, os.WriteFile(mountinfo, nil, 0o644))
		w := New(Options{SysRoot: root, Log: zerolog.Nop()})
		require.ErrorIs(t, w.Execute(), ErrMalformed)
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		root, mountinfo := fakeRoot(t, "bind.mountinfo")
		require.NoError(t, os.WriteFile(mountinfo, []byte("29 1 x\n"), 0o644))
		w := New(Options{SysRoot: root, Log: zerolog.Nop()})
		require.ErrorIs(t, w.Execute(), ErrMalformed)
	})
}

// TestWatcherInterruptWhileBlocked checks that Interrupt wakes poll(2) and
// also frees a Watcher whose consumer stopped reading.
func TestWatcherInterruptWhileBlocked(t *testing.T) {
	t.Parallel()
	root, _ := fakeRoot(t, "bind.mountinfo")
	w := New(Options{SysRoot: root, Log: zerolog.Nop()})
	exited, execErr := start(t, w)
	next(t, w, 4)
	require.NoError(t, stopAndWait(t, w, exited, execErr))
}

// TestWatcherInterruptSlowConsumer checks that a Watcher whose consumer
// stopped reading still stops.
func TestWatcherInterruptSlowConsumer(t *testing.T) {
	t.Parallel()
	root, mountinfo := fakeRoot(t, "bind.mountinfo")
	// More mounts than the Events buffer holds.
	var b strings.Builder
	for i := range eventBuffer + 10 {
		fmt.Fprintf(&b, "%d 1 0:%d / /m/%d rw - tmpfs tmpfs rw\n", i+100, i+100, i)
	}
	require.NoError(t, os.WriteFile(mountinfo, []byte(b.String()), 0o644))
	w := New(Options{SysRoot: root, Log: zerolog.Nop()})
	exited, execErr := start(t, w)
	require.Eventually(t, func() bool { return len(w.Mounts()) == eventBuffer+10 }, 5*time.Second, time.Millisecond)
	require.NoError(t, stopAndWait(t, w, exited, execErr))
}
