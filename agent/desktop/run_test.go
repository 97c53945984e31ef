//go:build unix || windows

package desktop

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/agent/routine"
	"dataward/clock"
)

func TestOneHelperPerSession(t *testing.T) {
	t.Parallel()
	lock := testLock(t)
	dialer := &fakeDialer{agents: make(chan *fakeAgent, 10)}
	opts := Options{
		Endpoint: "test",
		Clock:    clock.NewFake(now),
		Log:      zerolog.New(zerolog.NewTestWriter(t)),
		Dial:     dialer.dial,
		Notifier: newFakeNotifier(),
		Lock:     lock,
	}
	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	routine.Go(opts.Log, "first helper", func() { first <- Run(ctx, opts) })
	dialer.next(t) // the first holds the lock

	second, cancel2 := context.WithTimeout(t.Context(), wait)
	defer cancel2()
	require.ErrorIs(t, Run(second, opts), ErrAlreadyRunning)
	require.Equal(t, 1, dialer.dialCount(), "the second helper must not talk to the agent")

	cancel()
	select {
	case err := <-first:
		require.NoError(t, err, "cancellation is not an error")
	case <-time.After(wait):
		t.Fatal("the first helper did not stop")
	}

	// The lock went with the first helper.
	third, cancel3 := context.WithCancel(t.Context())
	done := make(chan error, 1)
	routine.Go(opts.Log, "third helper", func() { done <- Run(third, opts) })
	a := dialer.next(t)
	a.expect(t, ipc.OpStatus, "")
	cancel3()
	require.NoError(t, <-done)
}
