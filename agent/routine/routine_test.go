package routine

import (
	"bytes"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestGoRecoversAndLogsAPanic(t *testing.T) {
	t.Parallel()
	buf := &lockedBuffer{}
	done := make(chan struct{})
	Go(zerolog.New(buf), "boom", func() {
		defer close(done)
		panic("bad input")
	})
	<-done
	require.Eventually(t, func() bool {
		buf.mu.Lock()
		defer buf.mu.Unlock()
		return bytes.Contains(buf.b.Bytes(), []byte(`"goroutine":"boom"`)) && bytes.Contains(buf.b.Bytes(), []byte("bad input"))
	}, 5e9, 1e6)
}
