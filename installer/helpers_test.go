//go:build unix

package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recorder is a System that records what it is asked to do.
type recorder struct {
	manager    string
	privileged bool
	// missing are the commands the machine does not have.
	missing map[string]bool
	// fail makes the call whose record starts with the key fail.
	fail map[string]error

	mu    sync.Mutex
	calls []string
}

func newRecorder(manager string) *recorder {
	return &recorder{manager: manager, privileged: true}
}

func (r *recorder) record(call string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
	for prefix, err := range r.fail {
		if strings.HasPrefix(call, prefix) {
			return err
		}
	}
	return nil
}

// take returns the calls so far and forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

func (r *recorder) Privileged() bool         { return r.privileged }
func (r *recorder) Manager() (string, error) { return r.manager, nil }

func (r *recorder) Enable(_ context.Context, s Service) error {
	return r.record("enable " + s.Manager + " " + s.Name + " " + s.Program + " " + strings.Join(s.Arguments, " "))
}
func (r *recorder) Disable(_ context.Context, s Service) error {
	return r.record("disable " + s.Manager + " " + s.Name)
}
func (r *recorder) Reload(_ context.Context, s Service) error {
	return r.record("reload " + s.Manager)
}
func (r *recorder) Start(_ context.Context, s Service) error {
	return r.record("start " + s.Manager + " " + s.Name)
}
func (r *recorder) Stop(_ context.Context, s Service) error {
	return r.record("stop " + s.Manager + " " + s.Name)
}
func (r *recorder) Restart(_ context.Context, s Service) error {
	return r.record("restart " + s.Manager + " " + s.Name)
}
func (r *recorder) Run(_ context.Context, name string, args ...string) error {
	if r.missing[name] {
		r.record("missing " + name)
		return fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return r.record(strings.Join(append([]string{name}, args...), " "))
}

// entry is what a snapshot keeps of one path.
type entry struct {
	Kind  string // dir, file, link, socket, other
	Mode  fs.FileMode
	UID   uint32
	GID   uint32
	Hash  string // a file's SHA-256
	Link  string // a link's target
	Bytes int64
}

func (e entry) String() string {
	s := fmt.Sprintf("%s %04o %d:%d", e.Kind, e.Mode.Perm(), e.UID, e.GID)
	switch e.Kind {
	case "file":
		s += fmt.Sprintf(" %d %s", e.Bytes, e.Hash[:12])
	case "link":
		s += " -> " + e.Link
	}
	return s
}

// snapshot records every path under root (relative, slash-separated):
// kind, permissions and special bits, owner, and contents' hash.
func snapshot(t *testing.T, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{Mode: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = st.Uid, st.Gid
		}
		switch {
		case fi.IsDir():
			e.Kind = "dir"
		case fi.Mode()&fs.ModeSymlink != 0:
			e.Kind = "link"
			e.Link, err = os.Readlink(p)
			if err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			e.Kind = "file"
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			e.Hash, e.Bytes = hex.EncodeToString(sum[:]), int64(len(data))
		case fi.Mode()&fs.ModeSocket != 0:
			e.Kind = "socket"
		default:
			e.Kind = "other"
		}
		out["/"+filepath.ToSlash(rel)] = e
		return nil
	})
	require.NoError(t, err)
	return out
}

// diff lists how two snapshots differ, one line a path, sorted.
func diff(before, after map[string]entry) []string {
	var out []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			out = append(out, "- "+p+" "+b.String())
		case a != b:
			out = append(out, "~ "+p+" "+b.String()+" => "+a.String())
		}
	}
	for p, a := range after {
		if _, ok := before[p]; !ok {
			out = append(out, "+ "+p+" "+a.String())
		}
	}
	sort.Strings(out)
	return out
}

// mkdirs makes folders under root with mode 0755.
func mkdirs(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		p := filepath.Join(root, d)
		require.NoError(t, os.MkdirAll(p, 0o755))
		require.NoError(t, os.Chmod(p, 0o755))
	}
}

// writeFile writes a file with mode under root, making its folder.
func writeFile(t *testing.T, path string, data string, mode fs.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(data), mode))
	require.NoError(t, os.Chmod(path, mode))
}

// How long a test waits for a process to do something, and how often it
// looks.
const (
	testWait = 15 * time.Second
	tick     = 50 * time.Millisecond
)

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// kindMode is an entry's kind and permissions: "file 0644".
func kindMode(e entry) string { return fmt.Sprintf("%s %04o", e.Kind, e.Mode.Perm()) }
