//go:build linux

package agent_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"dataward/agent/ipc"
)

// loopStick is a filesystem image on a loop device, standing in for a USB
// stick through usb.extra_devices.
type loopStick struct {
	img, dev, name string
}

// newLoopStick makes an ext4 image holding files, attaches it and returns
// it; cleanup unmounts whatever is still mounted from it, clears the
// read-only flag and detaches it.
func newLoopStick(t *testing.T, files map[string][]byte) loopStick {
	t.Helper()
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
		return strings.TrimSpace(string(out))
	}
	dir := t.TempDir()
	s := loopStick{img: filepath.Join(dir, "stick.img")}
	require.NoError(t, os.WriteFile(s.img, make([]byte, 8<<20), 0o600))
	run("mkfs.ext4", "-q", "-F", s.img)
	s.dev = run("losetup", "--find", "--show", s.img)
	s.name = filepath.Base(s.dev)
	t.Cleanup(func() {
		for range 3 {
			if out, err := exec.Command("findmnt", "-n", "-o", "TARGET", "-S", s.dev).Output(); err == nil {
				for _, m := range strings.Fields(string(out)) {
					_ = unix.Unmount(m, unix.MNT_DETACH)
				}
			}
		}
		_ = exec.Command("blockdev", "--setrw", s.dev).Run()
		if out, err := exec.Command("losetup", "-d", s.dev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", s.dev, err, out)
		}
	})
	if len(files) > 0 {
		mnt := filepath.Join(dir, "fill")
		require.NoError(t, os.Mkdir(mnt, 0o755))
		require.NoError(t, unix.Mount(s.dev, mnt, "ext4", 0, ""))
		for name, data := range files {
			writeFile(t, filepath.Join(mnt, name), data)
		}
		require.NoError(t, unix.Unmount(mnt, 0))
	}
	return s
}

// mount mounts the stick at a new folder, as a desktop's automounter would.
func (s loopStick) mount(t *testing.T, dir string) string {
	t.Helper()
	mnt := filepath.Join(dir, s.name)
	require.NoError(t, os.MkdirAll(mnt, 0o755))
	require.NoError(t, unix.Mount(s.dev, mnt, "ext4", unix.MS_NOSUID|unix.MS_NODEV, ""))
	return mnt
}

// refusesWrites reports whether creating a file in dir fails with EROFS.
func refusesWrites(t *testing.T, dir string) bool {
	t.Helper()
	p := filepath.Join(dir, fmt.Sprintf("probe-%d", time.Now().UnixNano()))
	err := os.WriteFile(p, []byte("x"), 0o644)
	if err == nil {
		require.NoError(t, os.Remove(p))
		return false
	}
	require.ErrorIs(t, err, syscall.EROFS)
	return true
}

// TestE2EUSBStickIsMadeReadOnly runs the real agent with two loop devices
// as USB sticks: one is blocked within 2 seconds of its mount and stays so,
// its personal-data file is reported and kept; the other is allow-listed by
// its serial (a loop device's backing file) and stays writable.
func TestE2EUSBStickIsMadeReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: loop devices, mount and BLKROSET")
	}
	for _, c := range []string{"losetup", "mkfs.ext4", "blockdev", "findmnt", "mount"} {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("needs %s: %v", c, err)
		}
	}
	t.Parallel()
	stick := newLoopStick(t, map[string][]byte{
		"Canvass/Members.csv": members(30, ""),
		"leaflets.txt":        []byte("Leaflet round on Saturday.\n"),
	})
	approved := newLoopStick(t, nil)

	e := newEnv(t, shortRetention)
	cfg, err := os.ReadFile(e.config)
	require.NoError(t, err)
	cfg = []byte(strings.Replace(string(cfg), "volumes: false", "volumes: true", 1))
	cfg = append(cfg, fmt.Sprintf("usb:\n  block_writes: true\n  extra_devices: [%q, %q]\n  allow:\n    - serial: %q\n",
		stick.name, approved.name, approved.img)...)
	require.NoError(t, os.WriteFile(e.config, cfg, 0o600))
	e.start()
	t.Cleanup(func() {
		if e.cmd.ProcessState == nil {
			e.stop()
		}
	})

	media := filepath.Join(e.dir, "media")
	mnt := stick.mount(t, media)
	mounted := time.Now()
	for !refusesWrites(t, mnt) {
		require.Less(t, time.Since(mounted), 2*time.Second, "the stick still takes writes 2 s after its mount; agent said:\n%s", e.stderrText())
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("stick read-only %v after its mount", time.Since(mounted).Round(time.Millisecond))
	data, err := os.ReadFile(filepath.Join(mnt, "leaflets.txt"))
	require.NoError(t, err, "reading stays possible")
	require.Equal(t, "Leaflet round on Saturday.\n", string(data))

	blocked := e.waitFor("usb_blocked", "", 5*time.Second)
	require.Equal(t, mnt, blocked["mount"])
	require.Equal(t, stick.name, blocked["device"])
	require.Equal(t, "mounted", blocked["trigger"])
	for _, k := range []string{"vendor", "product", "serial"} {
		require.Contains(t, blocked, k)
	}
	require.Equal(t, stick.img, blocked["serial"])

	found := e.waitFor("personal_on_volume", "Members.csv", 10*time.Second)
	require.Equal(t, filepath.Join(mnt, "Canvass", "Members.csv"), found["path"])
	require.EqualValues(t, 30, found["records"])
	e.waitFor("volume_scanned", "", 10*time.Second)
	_, err = os.Stat(filepath.Join(mnt, "Canvass", "Members.csv"))
	require.NoError(t, err, "nothing on a volume is deleted")

	// A read-write remount fails: the block layer's flag is set.
	out, err := exec.Command("mount", "-o", "remount,rw", mnt).CombinedOutput()
	require.Error(t, err, "remount rw succeeded: %s", out)
	require.True(t, refusesWrites(t, mnt))

	// Someone with root clears the flag and remounts read-write: the agent
	// blocks it again within 2 seconds.
	out, err = exec.Command("blockdev", "--setrw", stick.dev).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command("mount", "-o", "remount,rw", mnt).CombinedOutput()
	require.NoError(t, err, "%s", out)
	remounted := time.Now()
	for !refusesWrites(t, mnt) {
		require.Less(t, time.Since(remounted), 2*time.Second, "the rw remount was not undone within 2 s; agent said:\n%s", e.stderrText())
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("rw remount undone %v after mount(8) returned", time.Since(remounted))
	require.Eventually(t, func() bool {
		for _, ev := range e.events() {
			if ev["event"] == "usb_blocked" && ev["trigger"] == "remounted read-write" {
				return true
			}
		}
		return false
	}, 5*time.Second, 20*time.Millisecond)

	// The allow-listed device stays writable.
	amnt := approved.mount(t, media)
	allowed := e.waitFor("usb_allowed", "", 5*time.Second)
	require.Equal(t, amnt, allowed["mount"])
	time.Sleep(2 * time.Second)
	require.False(t, refusesWrites(t, amnt), "an allow-listed device must stay writable")
	writeFile(t, filepath.Join(amnt, "report.txt"), []byte("quarterly report\n"))

	// Status lists both, with their state.
	st := agentStatus(t, e)
	byMount := map[string]ipc.Volume{}
	for _, v := range st.USB {
		byMount[v.Mount] = v
	}
	require.Equal(t, "read_only", byMount[mnt].State, "%+v", st.USB)
	require.Equal(t, 1, byMount[mnt].Personal)
	require.Equal(t, "done", byMount[mnt].Scan)
	require.Equal(t, "allowed", byMount[amnt].State)

	e.stop()
	require.Zero(t, e.count("usb_block_failed", ""), "agent said:\n%s", e.stderrText())
	unmountAll(t, mnt, amnt)
}

func agentStatus(t *testing.T, e *env) ipc.Status {
	t.Helper()
	out, err := exec.Command(binary(t), "status", "--json", "--config", e.config).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("dataward status: %v: %s", err, ee.Stderr)
	}
	require.NoError(t, err)
	var st ipc.Status
	require.NoError(t, json.Unmarshal(out, &st), "%s", out)
	return st
}

func unmountAll(t *testing.T, points ...string) {
	t.Helper()
	for _, p := range points {
		require.NoError(t, unix.Unmount(p, 0), p)
	}
}
