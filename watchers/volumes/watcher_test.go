package volumes

import (
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInterruptBeforeExecute(t *testing.T) {
	t.Parallel()
	w := New(Options{SysRoot: t.TempDir(), Log: zerolog.New(zerolog.NewTestWriter(t))})
	w.Interrupt(nil)
	w.Interrupt(nil) // idempotent
	err := w.Execute()
	if err != nil {
		// Only an OS without an implementation may fail here.
		assert.ErrorContains(t, err, "unsupported")
	}
	_, open := <-w.Events()
	assert.False(t, open, "Events is closed when Execute returns")
	assert.ErrorIs(t, w.Execute(), ErrAlreadyRun)
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	w := New(Options{})
	assert.Equal(t, "/", w.o.SysRoot)
	assert.Equal(t, DefaultFallback, w.o.Fallback)
	require.NotNil(t, w.o.Clock)
	assert.Nil(t, w.Mounts())
	w = New(Options{Fallback: time.Second})
	assert.Equal(t, time.Second, w.o.Fallback)
}
