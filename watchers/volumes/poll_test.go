package volumes

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"dataward/clock"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTable is a mount table the test rewrites; read returns it.
type fakeTable struct {
	mu    sync.Mutex
	ms    []Mount
	err   error
	reads int
}

func (f *fakeTable) set(ms []Mount, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ms, f.err = ms, err
}

func (f *fakeTable) read() ([]Mount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	// The watcher owns what read returns, as a fresh read would be.
	out := make([]Mount, len(f.ms))
	copy(out, f.ms)
	return out, nil
}

func (f *fakeTable) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// logCount counts the watcher's log lines at a level.
type logCount struct {
	t     *testing.T
	warns atomic.Int32
}

func (l *logCount) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	if strings.Contains(string(p), `"level":"warn"`) {
		l.warns.Add(1)
	}
	return len(p), nil
}

// drain returns the events waiting, without blocking.
func drain(w *Watcher) []string {
	var got []string
	for {
		select {
		case ev := <-w.Events():
			got = append(got, ev.Op.String()+" "+ev.Mount.Point)
		default:
			return got
		}
	}
}

func stick(ro bool) Mount {
	m := Mount{Root: "/", Point: "/Volumes/STICK", Source: "/dev/disk4s1", FSType: "msdos", ReadOnly: ro,
		Options: []string{"rw", "nosuid", "local"}}
	if ro {
		m.Options = []string{"ro", "nosuid", "local"}
	}
	return m
}

var rootMount = Mount{Root: "/", Point: "/", Source: "/dev/disk3s1s1", FSType: "apfs", ReadOnly: true,
	Options: []string{"ro", "local", "rootfs"}}

// TestPoll walks the polling loop through a stick's life with a fake
// clock: each step is one period of the clock, and synctest.Wait lets the
// loop finish before the test looks.
func TestPoll(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		clk := clock.NewFake(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
		logs := &logCount{t: t}
		w := New(Options{Clock: clk, Log: zerolog.New(logs)})
		table := &fakeTable{ms: []Mount{rootMount}}
		kick := make(chan struct{}, 1)
		var perr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			perr = w.poll(kick, table.read)
		}()
		synctest.Wait()
		assert.Equal(t, []string{"mounted /"}, drain(w))
		assert.Equal(t, 1, clk.Pending(), "the next read is timed")
		assert.Equal(t, 1, w.Mounts()[0].ID)

		// A stick appears: nothing is read before the period ends, and it
		// is seen when it does.
		table.set([]Mount{rootMount, stick(false)}, nil)
		clk.Advance(pollInterval - time.Millisecond)
		synctest.Wait()
		assert.Empty(t, drain(w))
		assert.Equal(t, 1, table.count(), "no read between periods: no busy polling")
		clk.Advance(time.Millisecond)
		synctest.Wait()
		assert.Equal(t, []string{"mounted /Volumes/STICK"}, drain(w))
		assert.Equal(t, 2, table.count())
		id := w.Mounts()[1].ID
		assert.Equal(t, 2, id)

		// An unchanged table sends nothing.
		clk.Advance(pollInterval)
		synctest.Wait()
		assert.Empty(t, drain(w))

		// Remounted read-only in place (unmount and mount between two
		// reads): the same mount, changed.
		table.set([]Mount{rootMount, stick(true)}, nil)
		clk.Advance(pollInterval)
		synctest.Wait()
		assert.Equal(t, []string{"changed /Volumes/STICK"}, drain(w))
		assert.Equal(t, id, w.Mounts()[1].ID)

		// A kick (wake) reads at once, without the clock.
		table.set([]Mount{rootMount}, nil)
		kick <- struct{}{}
		synctest.Wait()
		assert.Equal(t, []string{"unmounted /Volumes/STICK"}, drain(w))

		// A failing read is logged once and tried again each period.
		table.set(nil, errors.New("getfsstat: interrupted"))
		clk.Advance(pollInterval)
		synctest.Wait()
		clk.Advance(pollInterval)
		synctest.Wait()
		assert.Empty(t, drain(w))
		assert.Equal(t, int32(1), logs.warns.Load())
		assert.Len(t, w.Mounts(), 1, "a failed read keeps the last table")

		// The same stick again: it keeps its ID for the life of the
		// watcher.
		table.set([]Mount{rootMount, stick(false)}, nil)
		clk.Advance(pollInterval)
		synctest.Wait()
		assert.Equal(t, []string{"mounted /Volumes/STICK"}, drain(w))
		assert.Equal(t, id, w.Mounts()[1].ID)

		w.Interrupt(nil)
		synctest.Wait()
		<-done
		require.NoError(t, perr)
		assert.Zero(t, clk.Pending(), "the timer is stopped")
	})
}

func TestPollStart(t *testing.T) {
	t.Parallel()
	t.Run("read error", func(t *testing.T) {
		t.Parallel()
		w := New(Options{Clock: clock.NewFake(time.Unix(0, 0)), Log: zerolog.Nop()})
		table := &fakeTable{err: errEmptyTable}
		require.ErrorIs(t, w.poll(make(chan struct{}, 1), table.read), ErrMalformed)
	})
	t.Run("interrupted before", func(t *testing.T) {
		t.Parallel()
		w := New(Options{Clock: clock.NewFake(time.Unix(0, 0)), Log: zerolog.Nop()})
		w.Interrupt(nil)
		table := &fakeTable{ms: []Mount{rootMount}}
		require.NoError(t, w.poll(make(chan struct{}, 1), table.read))
		assert.Zero(t, table.count())
	})
	t.Run("short fallback", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			clk := clock.NewFake(time.Unix(0, 0))
			w := New(Options{Clock: clk, Log: zerolog.Nop(), Fallback: 200 * time.Millisecond})
			table := &fakeTable{ms: []Mount{rootMount}}
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = w.poll(make(chan struct{}, 1), table.read)
			}()
			synctest.Wait()
			clk.Advance(200 * time.Millisecond)
			synctest.Wait()
			assert.Equal(t, 2, table.count(), "a Fallback shorter than the poll period sets it")
			w.Interrupt(nil)
			<-done
		})
	})
	t.Run("slow consumer", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			clk := clock.NewFake(time.Unix(0, 0))
			w := New(Options{Clock: clk, Log: zerolog.Nop()})
			many := make([]Mount, eventBuffer+10)
			for i := range many {
				many[i] = Mount{Point: fmt.Sprintf("/Volumes/V%d", i), Source: fmt.Sprintf("/dev/disk%ds1", i+10)}
			}
			table := &fakeTable{ms: many}
			var perr error
			done := make(chan struct{})
			go func() {
				defer close(done)
				perr = w.poll(make(chan struct{}, 1), table.read)
			}()
			synctest.Wait()
			w.Interrupt(nil) // nobody reads Events: the loop must still stop
			<-done
			require.NoError(t, perr)
		})
	})
}

func TestMountIDs(t *testing.T) {
	t.Parallel()
	ids := newMountIDs()
	a := Mount{Point: `E:\`, Source: `\\?\Volume{aaaa}\`}
	b := Mount{Point: `F:\`, Source: `\\?\Volume{bbbb}\`}
	got := ids.assign([]Mount{a, b})
	assert.Equal(t, []int{1, 2}, []int{got[0].ID, got[1].ID})

	// Order does not matter; a new volume at a known letter is a new mount.
	c := Mount{Point: `E:\`, Source: `\\?\Volume{cccc}\`}
	got = ids.assign([]Mount{b, c, a})
	assert.Equal(t, []int{2, 3, 1}, []int{got[0].ID, got[1].ID, got[2].ID})

	// Two identical entries in one table stay two mounts, with stable IDs.
	got = ids.assign([]Mount{a, a, b})
	assert.Equal(t, []int{1, 4, 2}, []int{got[0].ID, got[1].ID, got[2].ID})
	got = ids.assign([]Mount{a, a})
	assert.Equal(t, []int{1, 4}, []int{got[0].ID, got[1].ID})
}
