//go:build darwin || windows

package volumes

import (
	"runtime"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPolledWatcherLive runs the real watcher for one read of the real
// table: the system volume is reported Mounted, and Interrupt stops it.
func TestPolledWatcherLive(t *testing.T) {
	t.Parallel()
	w := New(Options{Log: zerolog.New(zerolog.NewTestWriter(t))})
	errc := make(chan error, 1)
	go func() { errc <- w.Execute() }()
	want := "/"
	if runtime.GOOS == "windows" {
		want = `C:\`
	}
	found := false
	timeout := time.After(10 * time.Second)
	for !found {
		select {
		case ev, ok := <-w.Events():
			require.True(t, ok, "Events closed early")
			assert.Equal(t, Mounted, ev.Op)
			assert.NotZero(t, ev.Mount.ID)
			found = ev.Mount.Point == want
		case <-timeout:
			t.Fatalf("%s not reported", want)
		}
	}
	w.Interrupt(nil)
	select {
	case err := <-errc:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Execute did not return after Interrupt")
	}
}
