//go:build unix

package installer

import (
	"context"
	"testing"

	"github.com/kardianos/service"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// RunService starts the program, waits for ctx (the caller's SIGTERM and
// SIGINT) and stops it, writing both to the OS log. It replaces openOSLog:
// not parallel.
func TestRunServiceRunsUntilTheContextEnds(t *testing.T) {
	sink := &osLog{}
	saved := openOSLog
	openOSLog = func(service.Service) (service.Logger, error) { return sink, nil }
	t.Cleanup(func() { openOSLog = saved })

	p := &prog{started: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- RunService(ctx, "dataward-test", p, zerolog.Nop()) }()
	<-p.started
	cancel()
	require.NoError(t, <-done)
	require.Equal(t, []string{"start", "stop"}, p.calls)
	require.Equal(t, []string{"I dataward-test started", "I dataward-test stopped"}, sink.get())

	w, err := NewSystemLogWriter("dataward-test", zerolog.WarnLevel)
	require.NoError(t, err)
	_, err = w.Write([]byte("x"))
	require.NoError(t, err)
}
