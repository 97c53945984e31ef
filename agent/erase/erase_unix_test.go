//go:build linux || darwin

package erase

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestFIFORefusedWithoutBlocking(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	p := fx.write(t, "f.csv", personal)
	id, err := Identify(fx.root, "f.csv")
	require.NoError(t, err)
	require.NoError(t, os.Remove(p))
	// Nobody opens the other end: an open(2) without O_NONBLOCK would hang.
	require.NoError(t, unix.Mkfifo(p, 0o600))

	_, err = Identify(fx.root, "f.csv")
	require.ErrorIs(t, err, ErrNotRegular)
	_, err = Erase(fx.root, "f.csv", id)
	require.ErrorIs(t, err, ErrNotRegular)
	st, err := os.Lstat(p)
	require.NoError(t, err)
	require.Equal(t, os.ModeNamedPipe, st.Mode().Type())
}

// An fd opened before the erase still reaches the inode after the unlink:
// it must find nothing left of the content.
func TestEraseLeavesNothingBehindOpenFD(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	p := fx.write(t, "f.csv", personal)
	old, err := os.Open(p)
	require.NoError(t, err)
	defer old.Close()
	id, err := Identify(fx.root, "f.csv")
	require.NoError(t, err)

	_, err = Erase(fx.root, "f.csv", id)
	require.NoError(t, err)
	st, err := old.Stat()
	require.NoError(t, err)
	require.Zero(t, st.Size())
	got, err := io.ReadAll(old)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestOverwrite(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		size int
		span int64
	}{
		{"small, up to the block", 100, 4096},
		{"a chunk and a byte", chunk + 1, roundUp(chunk+1, 4096)},
		{"empty", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "f")
			orig := bytes.Repeat([]byte("personal"), tc.size/8+1)[:tc.size]
			require.NoError(t, os.WriteFile(p, orig, 0o600))
			w, err := os.OpenFile(p, os.O_RDWR, 0)
			require.NoError(t, err)
			defer w.Close()
			r, err := os.Open(p)
			require.NoError(t, err)
			defer r.Close()

			require.NoError(t, overwrite(w, tc.span))
			got, err := io.ReadAll(r)
			require.NoError(t, err)
			require.Len(t, got, int(max(tc.span, int64(tc.size))))
			if tc.size > 0 {
				require.NotEqual(t, orig, got[:tc.size])
				require.NotEqual(t, make([]byte, len(got)), got, "random, not zeros")
			}
		})
	}
}

// remove goes by name through the folder, so it checks the name again:
// a swap after the checks must leave the swapped-in file alone.
func TestRemoveRefusesSwapAfterChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		swap func(t *testing.T, fx fixture, p string)
		want string // content then at the name
	}{
		{"another file renamed over it", func(t *testing.T, fx fixture, p string) {
			other := filepath.Join(fx.root, "new.csv")
			require.NoError(t, os.WriteFile(other, []byte("someone else's"), 0o600))
			require.NoError(t, os.Rename(other, p))
		}, "someone else's"},
		{"symlink to a file outside", func(t *testing.T, fx fixture, p string) {
			require.NoError(t, os.Remove(p))
			require.NoError(t, os.Symlink(fx.secret, p))
		}, secret},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			p := fx.write(t, "f.csv", personal)
			id, err := Identify(fx.root, "f.csv")
			require.NoError(t, err)
			h, err := open(fx.root, "f.csv", true, &id)
			require.NoError(t, err)
			defer h.close()
			tc.swap(t, fx, p)
			require.ErrorIs(t, h.remove(), ErrReplaced)
			requireContent(t, p, tc.want)
			fx.check(t)
		})
	}
}

func TestWalkDirsRefusesLinks(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	require.NoError(t, os.MkdirAll(filepath.Join(fx.root, "a", "b"), 0o700))
	require.NoError(t, os.Symlink(fx.outside, filepath.Join(fx.root, "up")))
	require.NoError(t, os.Symlink(fx.outside, filepath.Join(fx.root, "a", "up")))
	require.NoError(t, os.Symlink("b", filepath.Join(fx.root, "a", "inside")))
	fx.write(t, "a/file", personal)
	rootfd, err := unix.Open(fx.root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	defer unix.Close(rootfd)

	cases := []struct {
		comps []string
		ok    bool
	}{
		{[]string{"a", "b"}, true},
		{[]string{"up"}, false},
		{[]string{"a", "up"}, false},
		{[]string{"a", "inside"}, false}, // even a link that stays inside
		{[]string{"a", "file"}, false},
	}
	for _, tc := range cases {
		for name, open := range map[string]func(int, []string) (int, error){"walk": walkDirs, "openDirs": openDirs} {
			fd, err := open(rootfd, tc.comps)
			if tc.ok {
				require.NoError(t, err, "%s %v", name, tc.comps)
				unix.Close(fd)
				continue
			}
			require.ErrorIs(t, err, ErrReplaced, "%s %v", name, tc.comps)
		}
	}
}

func TestRenameNoReplace(t *testing.T) {
	t.Parallel()
	for name, rename := range map[string]func(int, string, string) error{
		"renameNoReplace": renameNoReplace,
		"renameIfAbsent":  renameIfAbsent,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "b"), []byte("b"), 0o600))
			dirfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			require.NoError(t, err)
			defer unix.Close(dirfd)

			require.ErrorIs(t, rename(dirfd, "a", "b"), unix.EEXIST)
			requireContent(t, filepath.Join(dir, "b"), "b")
			require.NoError(t, rename(dirfd, "a", "c"))
			requireContent(t, filepath.Join(dir, "c"), "a")
		})
	}
}

func TestInspectReadsAndPinsTheSameFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.csv"), []byte("name,email\n"), 0o600))
	var read []byte
	id, err := Inspect(root, "a.csv", func(f *os.File, size int64) bool {
		read = make([]byte, size)
		_, err := f.ReadAt(read, 0)
		require.NoError(t, err)
		return true
	})
	require.NoError(t, err)
	require.Equal(t, "name,email\n", string(read))
	want, err := Identify(root, "a.csv")
	require.NoError(t, err)
	require.Equal(t, want, id)

	id, err = Inspect(root, "a.csv", func(*os.File, int64) bool { return false })
	require.NoError(t, err)
	require.Empty(t, id.SHA256, "not pinned, not hashed")

	require.NoError(t, os.Symlink(filepath.Join(root, "a.csv"), filepath.Join(root, "link.csv")))
	_, err = Inspect(root, "link.csv", func(*os.File, int64) bool { t.Fatal("a link was opened"); return false })
	require.ErrorIs(t, err, ErrReplaced)
}
