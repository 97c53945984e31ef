package volumes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// notice is how soon a mount must be reported: the agent blocks writes to
// a stick before the user can copy to it.
const notice = 2 * time.Second

// run runs a command of the live test with a timeout and returns its
// trimmed output.
func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := run(t, name, args...)
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return out
}

// TestWatcherLive mounts a loop device and checks that poll(2) on
// mountinfo reports the mount, a remount read-only and the unmount. It
// needs root, losetup, mount and mkfs.vfat or mkfs.ext4, and skips
// otherwise.
func TestWatcherLive(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to attach a loop device and mount it")
	}
	tools := map[string]string{}
	for _, name := range []string{"losetup", "mount", "umount"} {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("needs %s: %v", name, err)
		}
		tools[name] = p
	}
	var mkfs []string
	if p, err := exec.LookPath("mkfs.vfat"); err == nil {
		mkfs = []string{p}
	} else if p, err := exec.LookPath("mkfs.ext4"); err == nil {
		mkfs = []string{p, "-q", "-F"}
	} else {
		t.Skip("needs mkfs.vfat or mkfs.ext4")
	}

	// Directories first: their removal must run after the unmount below.
	img := filepath.Join(t.TempDir(), "stick.img")
	mnt := t.TempDir()
	require.NoError(t, os.WriteFile(img, nil, 0o600))
	require.NoError(t, os.Truncate(img, 4<<20))
	mustRun(t, mkfs[0], append(mkfs[1:], img)...)

	// Detach every loop device backed by img, even one whose --show
	// output was lost.
	t.Cleanup(func() {
		out, err := run(t, tools["losetup"], "--noheadings", "--output", "NAME", "--associated", img)
		if err != nil {
			t.Errorf("listing loop devices of %s: %v: %s", img, err, out)
			return
		}
		for _, dev := range strings.Fields(out) {
			if out, err := run(t, tools["losetup"], "--detach", dev); err != nil {
				t.Errorf("detaching %s: %v: %s", dev, err, out)
			}
		}
	})
	dev, err := run(t, tools["losetup"], "--find", "--show", img)
	if err != nil {
		t.Skipf("cannot attach a loop device here (container without loop support?): %v: %s", err, dev)
	}
	t.Cleanup(func() {
		var m, parent unix.Stat_t
		// Unmount while mnt is still a mount point (its device differs
		// from its parent's).
		if unix.Stat(mnt, &m) == nil && unix.Stat(filepath.Dir(mnt), &parent) == nil && m.Dev != parent.Dev {
			if out, err := run(t, tools["umount"], mnt); err != nil {
				t.Errorf("unmounting %s: %v: %s", mnt, err, out)
			}
		}
	})
	var st unix.Stat_t
	require.NoError(t, unix.Stat(dev, &st))
	major, minor := unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev))
	t.Logf("%s is %d:%d", dev, major, minor)

	w := New(Options{Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)})
	start(t, w)
	require.Eventually(t, func() bool { return len(w.Mounts()) > 0 }, 5*time.Second, time.Millisecond,
		"the initial table is read")

	// await returns the first event about mnt; others' mounts are skipped.
	await := func(step string) Event {
		t.Helper()
		deadline := time.After(notice)
		for {
			select {
			case ev, ok := <-w.Events():
				require.True(t, ok, "Events closed")
				if ev.Mount.Point == mnt {
					t.Logf("%s %+v", ev.Op, ev.Mount)
					return ev
				}
			case <-deadline:
				require.FailNow(t, "no event within "+notice.String(), step)
			}
		}
	}

	mustRun(t, tools["mount"], dev, mnt)
	ev := await("mount")
	assert.Equal(t, Mounted, ev.Op)
	assert.Equal(t, major, ev.Mount.Major)
	assert.Equal(t, minor, ev.Mount.Minor)
	assert.Equal(t, dev, ev.Mount.Source)
	assert.False(t, ev.Mount.ReadOnly)
	id := ev.Mount.ID

	mustRun(t, tools["mount"], "-o", "remount,ro", mnt)
	ev = await("remount ro")
	assert.Equal(t, Changed, ev.Op)
	assert.True(t, ev.Mount.ReadOnly)
	assert.Equal(t, id, ev.Mount.ID)

	mustRun(t, tools["umount"], mnt)
	ev = await("umount")
	assert.Equal(t, Unmounted, ev.Op)
	assert.Equal(t, id, ev.Mount.ID)
	for _, m := range w.Mounts() {
		assert.NotEqual(t, mnt, m.Point, "unmounted, yet in Mounts")
	}
}
