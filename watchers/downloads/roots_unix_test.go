//go:build linux || darwin

package downloads

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixture is a system root for FindRoots, built in a temporary folder and
// owned by whoever runs the test.
type fixture struct {
	t    *testing.T
	root string
}

func newFixture(t *testing.T) fixture {
	return fixture{t: t, root: t.TempDir()}
}

func (f fixture) path(p string) string { return filepath.Join(f.root, p) }

func (f fixture) dir(p string) {
	require.NoError(f.t, os.MkdirAll(f.path(p), 0o755))
}

func (f fixture) file(p, content string) {
	f.dir(filepath.Dir(p))
	require.NoError(f.t, os.WriteFile(f.path(p), []byte(content), 0o644))
}

// link makes p a symbolic link to target, which is inside the fixture.
func (f fixture) link(p, target string) {
	f.dir(filepath.Dir(p))
	require.NoError(f.t, os.Symlink(f.path(target), f.path(p)))
}

// chown gives p to another uid; only root can.
func (f fixture) chown(p string, uid int) {
	if os.Geteuid() != 0 {
		f.t.Skip("needs root to give a folder to another user")
	}
	require.NoError(f.t, os.Chown(f.path(p), uid, -1))
}

func TestFindUsersFolders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	uid := os.Getuid()
	f.dir("Users/alice/Downloads")
	f.dir("Users/bob") // no Downloads yet: watched once it exists
	f.dir("Users/Shared/Downloads")
	f.file("Users/.localized", "")
	f.dir("Users/carol")
	f.link("Users/carol/Downloads", "Users/alice/Downloads")
	f.link("Users/dave", "Users/alice")

	roots, skipped, err := findUsersFolders(System{Root: f.root})
	require.NoError(t, err)
	require.Equal(t, []Root{
		{Path: f.path("Users/alice/Downloads"), User: "alice", UID: uid, Source: SourceDownloads},
		{Path: f.path("Users/bob/Downloads"), User: "bob", UID: uid, Source: SourceDownloads},
	}, roots)
	require.Len(t, skipped, 1)
	require.ErrorIs(t, skipped[0], errNotRealDir)
	require.ErrorContains(t, skipped[0], "user carol")
}

func TestFindUsersFoldersOwner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	uid := os.Getuid()
	f.dir("Users/erin/Downloads")
	f.chown("Users/erin/Downloads", uid+1)

	roots, skipped, err := findUsersFolders(System{Root: f.root})
	require.NoError(t, err)
	require.Empty(t, roots)
	require.Len(t, skipped, 1)
	require.ErrorIs(t, skipped[0], errNotOwned)
}
