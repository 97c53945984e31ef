package audit

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEventsAreJSONLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "logs", "audit.log")
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	l, err := Open(path, func() time.Time { return at })
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			l.Event(Flagged).Str("path", "Members.csv").Int("records", i).Send()
		})
	}
	wg.Wait()
	require.NoError(t, l.Close())

	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		require.Equal(t, "flagged", ev["event"])
		require.Equal(t, "2026-12-04T10:00:00Z", ev["time"])
		require.Equal(t, "Members.csv", ev["path"])
	}
	require.Equal(t, 50, n)
}
