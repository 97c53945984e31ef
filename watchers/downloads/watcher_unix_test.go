//go:build unix

package downloads

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestSpecialFilesNotReported(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "before.fifo"), 0o644))
	h := watching(t, root)
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "after.fifo"), 0o644))
	sentinel := filepath.Join(root, "sentinel.txt")
	write(t, sentinel, "")
	h.until("sentinel", h.has(Ready, sentinel))
	h.quiet()
	require.Len(t, h.got, 1, "only the sentinel: %v", h.got)
}

func TestUnreadableRootRetried(t *testing.T) {
	t.Parallel()
	if unix.Geteuid() == 0 {
		t.Skip("root reads any folder; run as another user")
	}
	root := t.TempDir()
	file := filepath.Join(root, "export.csv")
	write(t, file, "a,b\n")
	require.NoError(t, unix.Chmod(root, 0))
	t.Cleanup(func() { _ = unix.Chmod(root, 0o755) })
	h := start(t, Options{Find: FindOptions{Extra: []string{root}}})
	h.logged("cannot read root; will retry")
	require.Empty(t, h.w.Roots())
	require.NoError(t, unix.Chmod(root, 0o755)) // as when macOS is given Full Disk Access
	h.until("the file, at a rediscovery", h.has(Ready, file))
}
