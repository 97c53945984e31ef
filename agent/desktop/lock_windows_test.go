package desktop

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func testLock(t *testing.T) string {
	return fmt.Sprintf(`Local\dataward-tray-test-%d`, time.Now().UnixNano())
}

func TestLockMutex(t *testing.T) {
	t.Parallel()
	name := testLock(t)
	release, err := acquireLock(name)
	require.NoError(t, err)
	_, err = acquireLock(name)
	require.ErrorIs(t, err, ErrAlreadyRunning)
	release()
	release2, err := acquireLock(name)
	require.NoError(t, err)
	release2()
	require.Equal(t, `Local\dataward-tray`, defaultLock())
}
