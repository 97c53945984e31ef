package clock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFakeRunsTimersInOrder(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	c := NewFake(start)
	var got []string
	var at []time.Time
	c.AfterFunc(2*time.Second, func() { got = append(got, "b"); at = append(at, c.Now()) })
	c.AfterFunc(time.Second, func() { got = append(got, "a"); at = append(at, c.Now()) })
	stopped := c.AfterFunc(1500*time.Millisecond, func() { got = append(got, "x") })
	require.True(t, stopped.Stop())
	require.False(t, stopped.Stop())
	c.Advance(500 * time.Millisecond)
	require.Empty(t, got)
	c.Advance(2 * time.Second)
	require.Equal(t, []string{"a", "b"}, got)
	require.Equal(t, []time.Time{start.Add(time.Second), start.Add(2 * time.Second)}, at)
	require.Equal(t, start.Add(2500*time.Millisecond), c.Now())
	require.Zero(t, c.Pending())
}

func TestFakeTimerSetFromTimer(t *testing.T) {
	t.Parallel()
	c := NewFake(time.Unix(0, 0))
	n := 0
	var tick func()
	tick = func() {
		n++
		c.AfterFunc(time.Second, tick)
	}
	c.AfterFunc(time.Second, tick)
	c.Advance(10 * time.Second)
	require.Equal(t, 10, n)
}

func TestReal(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	Real{}.AfterFunc(time.Millisecond, func() { close(done) })
	<-done
	require.WithinDuration(t, time.Now(), Real{}.Now(), time.Second)
}
