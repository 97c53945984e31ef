package agent_test

// End-to-end tests: the real dataward binary runs `dataward run` on
// temporary folders with a seconds-long retention, and the tests check the
// files and the audit log.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/dataward once for all tests.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dataward-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "dataward")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/dataward").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// env is one agent's world: a Downloads folder, its state and audit log.
type env struct {
	t       *testing.T
	dir, dl string
	config  string
	audit   string
	cmd     *exec.Cmd
	stderr  *syncBuffer
}

// syncBuffer collects the agent's stderr while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t *testing.T, retention string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, dl: filepath.Join(dir, "Downloads"), audit: filepath.Join(dir, "log", "audit.log")}
	require.NoError(t, os.MkdirAll(e.dl, 0o755))
	e.config = filepath.Join(dir, "dataward.yaml")
	cfg := fmt.Sprintf(`version: 1
watch:
  downloads: false
  paths: [%q]
  volumes: false
  settle: 200ms
%s
state_dir: %q
audit_log: %q
socket: %q
`, e.dl, retention, filepath.Join(dir, "state"), e.audit, filepath.Join(dir, "dataward.sock"))
	require.NoError(t, os.WriteFile(e.config, []byte(cfg), 0o600))
	return e
}

func (e *env) start() {
	e.t.Helper()
	e.stderr = &syncBuffer{}
	e.cmd = exec.Command(binary(e.t), "run", "--config", e.config)
	e.cmd.Stderr = e.stderr
	require.NoError(e.t, e.cmd.Start())
	e.t.Cleanup(func() {
		if e.cmd.ProcessState == nil {
			_ = e.cmd.Process.Kill()
			_ = e.cmd.Wait()
		}
	})
	e.waitFor("agent_started", "", 10*time.Second)
}

// stop sends SIGTERM and waits for a clean exit.
func (e *env) stop() {
	e.t.Helper()
	require.NoError(e.t, e.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(e.t, e.cmd.Wait(), e.stderr.String())
}

// kill9 kills the agent without letting it save anything.
func (e *env) kill9() {
	e.t.Helper()
	require.NoError(e.t, e.cmd.Process.Signal(syscall.SIGKILL))
	_ = e.cmd.Wait()
}

type event map[string]any

func (e *env) events() []event { return jsonLines[event](e.audit) }

// jsonLines reads a file of JSON objects, one a line, as far as it is
// written; a line being written is skipped.
func jsonLines[T any](path string) []T {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v T
		if json.Unmarshal(sc.Bytes(), &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

func (e *env) count(name, base string) int {
	n := 0
	for _, ev := range e.events() {
		if ev["event"] == name && (base == "" || filepath.Base(fmt.Sprint(ev["path"])) == base) {
			n++
		}
	}
	return n
}

// waitFor waits for an audit event about a file (base name; "" for any).
func (e *env) waitFor(name, base string, within time.Duration) event {
	e.t.Helper()
	var found event
	require.Eventually(e.t, func() bool {
		for _, ev := range e.events() {
			if ev["event"] == name && (base == "" || filepath.Base(fmt.Sprint(ev["path"])) == base) {
				found = ev
				return true
			}
		}
		return false
	}, within, 20*time.Millisecond, "no %s %s in the audit log; agent said:\n%s", name, base, e.stderrText())
	return found
}

func (e *env) stderrText() string {
	if e.stderr == nil {
		return ""
	}
	return e.stderr.String()
}

func eventTime(t *testing.T, ev event) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, fmt.Sprint(ev["time"]))
	require.NoError(t, err)
	return ts
}

// members returns a personal-data export of n people.
func members(n int, tag string) []byte {
	var b strings.Builder
	b.WriteString("First Name,Last Name,Email,Phone,Postcode\n")
	first := []string{"Jane", "Tom", "Siân", "Dewi", "Mary", "John", "Rhys", "Emma"}
	last := []string{"Smith", "Jones", "Evans", "Davies", "Williams", "Hughes", "Lewis", "Price"}
	for i := range n {
		f, l := first[i%8], last[(i/8)%8]
		fmt.Fprintf(&b, "%s,%s,%s.%s%d%s@example.org,07911 %06d,CF10 %dEP\n", f, l, strings.ToLower(f), strings.ToLower(l), i, tag, 100000+i, i%10)
	}
	return []byte(b.String())
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

const shortRetention = `retention:
  personal: 3s
  warn_before: [2s]
  grace: 1s
  extension: 1s
  max_extensions: 1`

func TestE2EFlaggedExportIsDeletedOnTimeAndCleanFileStays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, shortRetention)
	e.start()
	writeFile(t, filepath.Join(e.dl, "Members.csv"), members(40, ""))
	writeFile(t, filepath.Join(e.dl, "notes.txt"), []byte("Buy milk. Call the printer about the leaflets.\n"))
	flagged := e.waitFor("flagged", "Members.csv", 5*time.Second)
	require.EqualValues(t, 40, flagged["records"])
	e.waitFor("warned", "Members.csv", 5*time.Second)
	deleted := e.waitFor("deleted", "Members.csv", 8*time.Second)
	// Due three seconds after flagging; the agent wakes for it on time, but
	// a loaded CI machine may run it late.
	require.False(t, eventTime(t, deleted).Before(eventTime(t, flagged).Add(3*time.Second)), "not before the deadline")
	require.Less(t, eventTime(t, deleted).Sub(eventTime(t, flagged)), 6*time.Second)
	require.NoFileExists(t, filepath.Join(e.dl, "Members.csv"))
	require.FileExists(t, filepath.Join(e.dl, "notes.txt"))
	require.Zero(t, e.count("flagged", "notes.txt"))
	entries, err := os.ReadDir(e.dl)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no renamed leftovers")
	e.stop()
	require.Equal(t, 1, e.count("agent_stopped", ""))
}

func TestE2EPartialDownloadIsIgnoredUntilRenamed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, shortRetention)
	e.start()
	part := filepath.Join(e.dl, "Members.csv.crdownload")
	writeFile(t, part, members(40, ""))
	// A complete file landing after the partial one is flagged; by then the
	// partial one has had many settle times and must not be.
	writeFile(t, filepath.Join(e.dl, "Other.csv"), members(30, "x"))
	e.waitFor("flagged", "Other.csv", 5*time.Second)
	require.Zero(t, e.count("flagged", "Members.csv.crdownload"))
	require.NoError(t, os.Rename(part, filepath.Join(e.dl, "Members.csv")))
	e.waitFor("flagged", "Members.csv", 5*time.Second)
}

func TestE2EKill9AndRestartStillDeletesAfterGrace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, `retention:
  personal: 4s
  warn_before: [1s]
  grace: 2s`)
	e.start()
	writeFile(t, filepath.Join(e.dl, "Members.csv"), members(40, ""))
	flagged := e.waitFor("flagged", "Members.csv", 5*time.Second)
	// The state is saved shortly after a change: kill only once it is.
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(filepath.Join(e.dir, "state", "state.json"))
		return bytes.Contains(b, []byte("Members.csv"))
	}, 5*time.Second, 20*time.Millisecond)
	e.kill9()
	// The machine is off through the deadline and its warning: real time
	// has to pass for that.
	time.Sleep(time.Until(eventTime(t, flagged).Add(5 * time.Second)))
	restarted := time.Now()
	e.start()
	warned := e.waitFor("warned", "Members.csv", 5*time.Second)
	deleted := e.waitFor("deleted", "Members.csv", 8*time.Second)
	require.True(t, eventTime(t, warned).After(restarted.Add(-time.Second)), "the warning comes after the restart")
	require.GreaterOrEqual(t, eventTime(t, deleted).Sub(eventTime(t, warned)), 2*time.Second, "grace after the warning")
	require.Equal(t, 1, e.count("flagged", "Members.csv"), "not flagged anew after the restart")
	require.NoFileExists(t, filepath.Join(e.dl, "Members.csv"))
}

func TestE2ELinksToFilesElsewhereAreNeverTouched(t *testing.T) {
	t.Parallel()
	e := newEnv(t, shortRetention)
	outside := filepath.Join(e.dir, "outside")
	data := members(40, "")
	target := filepath.Join(outside, "Register.csv")
	hard := filepath.Join(outside, "Register-hard.csv")
	writeFile(t, target, data)
	writeFile(t, hard, data)
	require.NoError(t, os.Symlink(target, filepath.Join(e.dl, "link.csv")))
	require.NoError(t, os.Link(hard, filepath.Join(e.dl, "hard.csv")))
	require.NoError(t, os.Symlink(outside, filepath.Join(e.dl, "linked-folder")))
	e.start()
	writeFile(t, filepath.Join(e.dl, "marker.csv"), members(20, "m"))
	e.waitFor("flagged", "marker.csv", 5*time.Second)
	e.waitFor("deleted", "marker.csv", 8*time.Second)
	for _, p := range []string{target, hard} {
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Equal(t, data, got, "%s byte-for-byte intact", p)
	}
	require.FileExists(t, filepath.Join(e.dl, "hard.csv"))
	require.Zero(t, e.count("deleted", "Register.csv"))
	require.Zero(t, e.count("flagged", "link.csv"))
}

func TestE2EFileSwappedForALinkIsNotFollowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, shortRetention)
	target := filepath.Join(e.dir, "outside", "Precious.csv")
	precious := members(50, "p")
	writeFile(t, target, precious)
	e.start()
	p := filepath.Join(e.dl, "Members.csv")
	writeFile(t, p, members(40, ""))
	e.waitFor("flagged", "Members.csv", 5*time.Second)
	// Swapped atomically, as an attacker would: a link renamed over it.
	tmp := filepath.Join(e.dl, ".swap")
	require.NoError(t, os.Symlink(target, tmp))
	require.NoError(t, os.Rename(tmp, p))
	skipped := e.waitFor("delete_skipped", "Members.csv", 8*time.Second)
	require.Equal(t, "replaced", skipped["reason"])
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	require.Equal(t, precious, got)
	require.Zero(t, e.count("deleted", ""))
}

// Not parallel: it runs alone, before the others, so its load does not
// slow their clocks.
func TestE2ETenThousandFilesAreAllSeen(t *testing.T) {
	e := newEnv(t, `retention:
  personal: 1h
  warn_before: [10m]`)
	e.start()
	const n = 10000
	start := time.Now()
	for i := range n {
		sub := filepath.Join(e.dl, fmt.Sprintf("batch%02d", i%20))
		writeFile(t, filepath.Join(sub, fmt.Sprintf("export-%05d.csv", i)), members(12, fmt.Sprintf("-%d", i)))
	}
	require.Eventually(t, func() bool { return e.count("flagged", "") >= n }, 90*time.Second, 250*time.Millisecond,
		"flagged %d of %d", e.count("flagged", ""), n)
	t.Logf("%d files flagged %.1fs after the first landed", n, time.Since(start).Seconds())
	seen := map[string]bool{}
	for _, ev := range e.events() {
		if ev["event"] == "flagged" {
			seen[fmt.Sprint(ev["path"])] = true
		}
	}
	require.Len(t, seen, n, "each file flagged exactly once")
}
