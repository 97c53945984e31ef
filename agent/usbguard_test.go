package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/audit"
	"dataward/agent/command"
	"dataward/agent/ipc"
	"dataward/agent/usb"
	"dataward/clock"
	"dataward/policy/classify"
	"dataward/policy/config"
	"dataward/watchers/volumes"
)

// fakeUSB is the OS as the guard sees it: which devices are USB, whether
// blocking works, whether a volume refuses writes.
type fakeUSB struct {
	mu       sync.Mutex
	devices  map[string]usb.Device // by mount source
	readOnly map[string]bool       // by mount point: what the probe finds
	busy     map[string]bool       // by mount point: block fails with ErrBusy
	blocks   []string              // mount points blocked, in order
	enforced int
}

func newFakeUSB() *fakeUSB {
	return &fakeUSB{devices: map[string]usb.Device{}, readOnly: map[string]bool{}, busy: map[string]bool{}}
}

func (f *fakeUSB) platform() usbPlatform {
	return usbPlatform{
		describe: func(_ context.Context, _ usb.Env, m usb.Mount) (usb.Device, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			d, ok := f.devices[m.Source]
			if !ok {
				return usb.Device{}, fmt.Errorf("%s: %w", m.Source, usb.ErrNotFound)
			}
			return d, nil
		},
		block: func(_ context.Context, _ usb.Env, _ usb.Device, m usb.Mount) (string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.blocks = append(f.blocks, m.Point)
			if f.busy[m.Point] {
				return "blkro+remount", fmt.Errorf("remounting: %w", usb.ErrBusy)
			}
			f.readOnly[m.Point] = true
			return "blkro+remount", nil
		},
		probe: func(dir string) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.readOnly[dir] {
				return &os.PathError{Op: "open", Path: dir, Err: syscall.EROFS}
			}
			return nil
		},
		enforce: func(context.Context, usb.Env) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.enforced++
			return nil
		},
	}
}

func (f *fakeUSB) blocked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.blocks...)
}

type guardHarness struct {
	*usbGuard
	os    *fakeUSB
	clock *clock.Fake
	buf   *lockedBuffer
	mu    sync.Mutex
	told  []ipc.Notice
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newGuard(t *testing.T, allow []usb.Rule) *guardHarness {
	h := &guardHarness{os: newFakeUSB(), clock: clock.NewFake(t0), buf: &lockedBuffer{}}
	copt := classify.DefaultOptions()
	copt.Now = t0
	h.usbGuard = &usbGuard{
		log: zerolog.Nop(), audit: audit.New(h.buf, h.clock.Now), clock: h.clock, plat: h.os.platform(),
		allow: allow, blockWrite: true, scanVols: true,
		inspect: func(ctx context.Context, root, rel string) (inspection, error) {
			return inspectFile(ctx, root, rel, copt)
		},
		tell: func(n ipc.Notice) int {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.told = append(h.told, n)
			return 1
		},
		stop: newStopper(),
		wake: make(chan struct{}, 1),
	}
	h.prepare()
	return h
}

func (h *guardHarness) notices() []ipc.Notice {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]ipc.Notice(nil), h.told...)
}

// audited returns the audit events, decoded.
func (h *guardHarness) audited(t *testing.T) []map[string]any {
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(h.buf.String()))
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		evs = append(evs, ev)
	}
	return evs
}

func (h *guardHarness) named(t *testing.T, name string) []map[string]any {
	var out []map[string]any
	for _, ev := range h.audited(t) {
		if ev["event"] == name {
			out = append(out, ev)
		}
	}
	return out
}

var stick = usb.Device{Name: "sdb1", Disk: "sdb", USB: true, Vendor: "0781", Product: "5583",
	Serial: "4C530001230815117254", Why: "usb ancestor 1-1"}

func stickMount(id int, point string) volumes.Mount {
	return volumes.Mount{ID: id, Major: 8, Minor: 17, Root: "/", Point: point, FSType: "vfat", Source: "/dev/sdb1"}
}

func TestUSBGuardBlocksAStickAndTellsTheUser(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.scanVols = false
	h.os.devices["/dev/sdb1"] = stick
	h.os.devices["/dev/vda1"] = usb.Device{Name: "vda1", Why: "no usb ancestor"}
	ctx := t.Context()

	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: volumes.Mount{ID: 1, Point: "/", Source: "/dev/vda1", Major: 254, Minor: 1}})
	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: volumes.Mount{ID: 2, Point: "/proc", Source: "proc"}})
	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: stickMount(3, "/media/jane/STICK")})

	require.Equal(t, []string{"/media/jane/STICK"}, h.os.blocked(), "only the USB volume is blocked")
	mounted := h.named(t, audit.VolumeMounted)
	require.Len(t, mounted, 1, "internal disks and virtual file systems are not volume events")
	blocked := h.named(t, audit.USBBlocked)
	require.Len(t, blocked, 1)
	for k, v := range map[string]string{"mount": "/media/jane/STICK", "device": "sdb1", "vendor": "0781",
		"product": "5583", "serial": "4C530001230815117254", "how": "blkro+remount", "trigger": "mounted"} {
		require.Equal(t, v, blocked[0][k], k)
	}
	n := h.notices()
	require.Len(t, n, 1)
	require.Equal(t, ipc.NoticePosture, n[0].Kind)
	require.Contains(t, n[0].Body, "USB storage is read-only on this PC: party policy")
	require.Contains(t, n[0].Body, "STICK")

	st := h.status()
	require.Len(t, st, 1)
	require.Equal(t, ipc.Volume{Mount: "/media/jane/STICK", Device: "sdb1", Role: "usb", State: volReadOnly,
		Method: "blkro+remount", Vendor: "0781", Product: "5583", Serial: "4C530001230815117254", Scan: "off"}, st[0])

	// Someone remounts it read-write: the guard blocks it again.
	h.os.mu.Lock()
	h.os.readOnly["/media/jane/STICK"] = false
	h.os.mu.Unlock()
	m := stickMount(3, "/media/jane/STICK")
	m.Options = []string{"rw"}
	h.handle(ctx, volumes.Event{Op: volumes.Changed, Mount: m})
	blocked = h.named(t, audit.USBBlocked)
	require.Len(t, blocked, 2)
	require.Equal(t, "remounted read-write", blocked[1]["trigger"])

	// Our own remount to read-only is a change too, and needs nothing.
	m.ReadOnly = true
	h.handle(ctx, volumes.Event{Op: volumes.Changed, Mount: m})
	require.Len(t, h.os.blocked(), 2)

	h.handle(ctx, volumes.Event{Op: volumes.Unmounted, Mount: m})
	require.Empty(t, h.status())
}

func TestUSBGuardAllowListedDeviceStaysWritable(t *testing.T) {
	t.Parallel()
	h := newGuard(t, []usb.Rule{{Vendor: "0x0781", Product: "5583", Serial: "4C530001230815117254"}})
	h.scanVols = false
	h.os.devices["/dev/sdb1"] = stick
	other := stick
	other.Serial = "OTHER"
	h.os.devices["/dev/sdc1"] = other
	ctx := t.Context()

	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, "/media/jane/APPROVED")})
	m := stickMount(2, "/media/jane/OTHER")
	m.Source = "/dev/sdc1"
	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: m})

	require.Equal(t, []string{"/media/jane/OTHER"}, h.os.blocked(), "same model, other serial: blocked")
	allowed := h.named(t, audit.USBAllowed)
	require.Len(t, allowed, 1)
	require.Equal(t, "/media/jane/APPROVED", allowed[0]["mount"])
	require.Equal(t, "4C530001230815117254", allowed[0]["serial"])

	h.reconcile(ctx)
	require.Equal(t, []string{"/media/jane/OTHER"}, h.os.blocked(), "an allowed device is never blocked later")
	st := h.status()
	require.Equal(t, volAllowed, st[0].State)
	require.Equal(t, "/media/jane/APPROVED", st[0].Mount)
}

func TestUSBGuardReportsABusyVolumeAndRetries(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.scanVols = false
	h.os.devices["/dev/sdb1"] = stick
	h.os.busy["/media/jane/STICK"] = true
	ctx := t.Context()

	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, "/media/jane/STICK")})
	require.Empty(t, h.named(t, audit.USBBlockFailed), "a moment's EBUSY is tried again before it is reported")
	require.Equal(t, volNotBlocked, h.status()[0].State)

	// Tried again soon and often; reported once it has lasted reportAfter.
	tries := 1
	for h.clock.Now().Sub(t0) < reportAfter {
		h.clock.Advance(100 * time.Millisecond)
		h.reconcile(ctx)
		tries = len(h.os.blocked())
	}
	require.GreaterOrEqual(t, tries, 4, "tried again within 2 s")
	failed := h.named(t, audit.USBBlockFailed)
	require.Len(t, failed, 1, "a volume that stays writable is reported, never ignored")
	require.Equal(t, "busy: a file on it is open for writing", failed[0]["reason"])
	require.Equal(t, "mounted", failed[0]["trigger"])
	require.Empty(t, h.named(t, audit.USBBlocked))
	n := h.notices()
	require.Len(t, n, 1)
	require.Equal(t, failedTitle, n[0].Title)
	st := h.status()
	require.Equal(t, volNotBlocked, st[0].State)
	require.NotEmpty(t, st[0].Fix)

	// Still busy: tried every 5 s, reported once only.
	for range 20 {
		h.clock.Advance(time.Second)
		h.reconcile(ctx)
	}
	require.Len(t, h.named(t, audit.USBBlockFailed), 1)
	require.Len(t, h.notices(), 1)
	before := len(h.os.blocked())
	require.InDelta(t, 4, before-tries, 1, "every 5 s once it lasts")

	// The file was closed: the next try blocks it.
	h.os.mu.Lock()
	h.os.busy["/media/jane/STICK"] = false
	h.os.mu.Unlock()
	h.clock.Advance(5 * time.Second)
	h.reconcile(ctx)
	blocked := h.named(t, audit.USBBlocked)
	require.Len(t, blocked, 1)
	require.Equal(t, "mounted", blocked[0]["trigger"])
	require.Greater(t, blocked[0]["attempts"], float64(5))
	require.Equal(t, volReadOnly, h.status()[0].State)
}

func TestUSBGuardReconcileFindsAWritableVolume(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.scanVols = false
	h.os.devices["/dev/sdb1"] = stick
	ctx := t.Context()
	h.handle(ctx, volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, "/media/jane/STICK")})
	enforced := h.os.enforced

	// The block layer's flag was cleared and the volume made writable
	// without a mount table change the watcher could see.
	h.os.mu.Lock()
	h.os.readOnly["/media/jane/STICK"] = false
	h.os.mu.Unlock()
	h.reconcile(ctx)
	blocked := h.named(t, audit.USBBlocked)
	require.Len(t, blocked, 2)
	require.Equal(t, "found writable", blocked[1]["trigger"])
	require.Greater(t, h.os.enforced, enforced, "the machine-wide policy is set again on every reconcile")
}

func TestUSBGuardBlockingOffStillReports(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.scanVols = false
	h.blockWrite = false
	h.os.devices["/dev/sdb1"] = stick
	h.handle(t.Context(), volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, "/media/jane/STICK")})
	require.Empty(t, h.os.blocked())
	require.Len(t, h.named(t, audit.VolumeMounted), 1)
	require.Equal(t, volWritable, h.status()[0].State)
}

// membersCSV is an export of 20 people, as a membership system writes it.
func membersCSV() string {
	var b strings.Builder
	b.WriteString("First name,Last name,Email,Postcode,Mobile\n")
	first := []string{"Siân", "Gareth", "Aisha", "Tom", "Priya", "Dafydd", "Emma", "Kwame", "Rhian", "Oliver"}
	last := []string{"Jones", "Evans", "Khan", "Smith", "Patel", "Davies", "Brown", "Mensah", "Williams", "Taylor"}
	pcs := []string{"CF10 1AA", "SA1 1DP", "LL57 2PW", "NP20 4AA", "SW1A 1AA", "M1 1AE", "B1 1BB", "LS1 4DY", "EH1 1YZ", "BS1 4DJ"}
	for i := range 20 {
		f, l := first[i%10], last[(i*3)%10]
		fmt.Fprintf(&b, "%s,%s,%s.%s%d@example.org,%s,07700 900%03d\n", f, l, strings.ToLower(f), strings.ToLower(l), i, pcs[i%10], i)
	}
	return b.String()
}

func TestUSBGuardScansAVolumeAndReportsPersonalData(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	vol := t.TempDir()
	outside := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(vol, "Canvass", "Ward 3"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(vol, "Canvass", "Ward 3", "Members.csv"), []byte(membersCSV()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(vol, "notes.txt"), []byte("leaflet round on Saturday\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "Secret.csv"), []byte(membersCSV()), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "Secret.csv"), filepath.Join(vol, "link.csv")))
	require.NoError(t, os.Symlink(outside, filepath.Join(vol, "linked-folder")))

	h.os.devices["/dev/sdb1"] = stick
	h.os.readOnly[vol] = true
	m := stickMount(1, vol)
	h.handle(t.Context(), volumes.Event{Op: volumes.Mounted, Mount: m})
	require.Equal(t, "queued", h.status()[0].Scan)
	require.Len(t, h.queue, 1)
	v := h.queue[0]
	h.scanVolume(t.Context(), v)

	found := h.named(t, audit.PersonalOnVolume)
	require.Len(t, found, 1, "links are neither followed nor read")
	require.Equal(t, filepath.Join(vol, "Canvass", "Ward 3", "Members.csv"), found[0]["path"])
	require.Equal(t, float64(20), found[0]["records"])
	require.Len(t, found[0]["sha256"], 64)
	require.Equal(t, "0781", found[0]["vendor"])
	scanned := h.named(t, audit.VolumeScanned)
	require.Len(t, scanned, 1)
	require.Equal(t, float64(2), scanned[0]["files"])
	require.Equal(t, true, scanned[0]["complete"])

	n := h.notices()
	require.Len(t, n, 2) // blocked, then found
	require.Equal(t, foundTitle, n[1].Title)
	require.Contains(t, n[1].Body, "1 file(s) on "+filepath.Base(vol)+" hold personal data: Members.csv.")
	require.NotContains(t, h.buf.String(), "Siân", "the audit log never holds file contents")

	st := h.status()[0]
	require.Equal(t, "done", st.Scan)
	require.Equal(t, 1, st.Personal)
	_, err := os.Stat(filepath.Join(vol, "Canvass", "Ward 3", "Members.csv"))
	require.NoError(t, err, "nothing on a volume is deleted")
}

func TestUSBGuardScanKeepsToItsBudget(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.budget = scanBudget{files: 5, bytes: 1 << 30, time: time.Minute}
	vol := t.TempDir()
	for i := range 12 {
		require.NoError(t, os.WriteFile(filepath.Join(vol, fmt.Sprintf("list-%02d.csv", i)), []byte(membersCSV()), 0o644))
	}
	h.os.devices["/dev/sdb1"] = stick
	h.os.readOnly[vol] = true
	h.handle(t.Context(), volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, vol)})
	h.scanVolume(t.Context(), h.queue[0])
	require.Len(t, h.named(t, audit.PersonalOnVolume), 5)
	scanned := h.named(t, audit.VolumeScanned)[0]
	require.Equal(t, false, scanned["complete"])
	require.Contains(t, scanned["stopped"], "budget of 5 files")
	require.Contains(t, h.notices()[1].Body, "5 file(s)")
	require.Contains(t, h.notices()[1].Body, "and 2 more")
	require.Equal(t, "incomplete", h.status()[0].Scan)

	// The byte budget counts what the classifier read.
	h2 := newGuard(t, nil)
	h2.budget = scanBudget{files: 100, bytes: 1, time: time.Minute}
	h2.os.devices["/dev/sdb1"] = stick
	h2.os.readOnly[vol] = true
	h2.handle(t.Context(), volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, vol)})
	h2.scanVolume(t.Context(), h2.queue[0])
	require.Len(t, h2.named(t, audit.PersonalOnVolume), 1)
	require.Contains(t, h2.named(t, audit.VolumeScanned)[0]["stopped"], "MiB read")
}

func TestUSBGuardRemovableMediaIsScannedNotBlocked(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	vol := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(vol, "register.csv"), []byte(membersCSV()), 0o644))
	h.os.devices["/dev/sr0"] = usb.Device{Name: "sr0", Removable: true, Why: "no usb ancestor"}
	h.handle(t.Context(), volumes.Event{Op: volumes.Mounted, Mount: volumes.Mount{ID: 1, Root: "/", Point: vol, Source: "/dev/sr0", Major: 11}})
	require.Empty(t, h.os.blocked())
	h.scanVolume(t.Context(), h.queue[0])
	require.Len(t, h.named(t, audit.PersonalOnVolume), 1)
	require.Equal(t, volRemovable, h.status()[0].State)
	require.Equal(t, "removable", h.status()[0].Role)
}

// TestUSBGuardRuns drives the actor itself: events in, blocking done, a
// scan run by its own goroutine, and a clean stop.
func TestUSBGuardRuns(t *testing.T) {
	t.Parallel()
	h := newGuard(t, nil)
	h.clock = nil
	h.usbGuard.clock = clock.Real{}
	vol := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(vol, "Members.csv"), []byte(membersCSV()), 0o644))
	h.os.devices["/dev/sdb1"] = stick
	events := make(chan volumes.Event, 1)
	h.events = events
	done := make(chan error, 1)
	go func() { done <- h.execute() }()
	events <- volumes.Event{Op: volumes.Mounted, Mount: stickMount(1, vol)}
	require.Eventually(t, func() bool { return len(h.named(t, audit.VolumeScanned)) == 1 }, 10*time.Second, 10*time.Millisecond)
	require.Len(t, h.named(t, audit.USBBlocked), 1)
	require.Len(t, h.named(t, audit.PersonalOnVolume), 1)
	h.stop.stop(nil)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the guard did not stop")
	}
}

func TestUdevRuleFromConfig(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.USB.Allow = []config.USBDevice{{Vendor: "0781", Serial: "ABC"}}
	cfg.USB.ExtraDevices = []string{"mmcblk*"}
	rule, err := UdevRule(cfg)
	if _, perr := command.Path("blockdev"); perr != nil {
		if errors.Is(perr, command.ErrNotAllowed) {
			require.NoError(t, err)
			require.Nil(t, rule, "no udev on this OS")
			return
		}
		require.Error(t, err, "without blockdev the rule cannot work")
		return
	}
	require.NoError(t, err)
	require.Contains(t, string(rule), `ATTRS{idVendor}=="0781", ATTRS{serial}=="ABC", GOTO="dataward_usb_end"`)
	require.Contains(t, string(rule), `KERNEL=="mmcblk*", GOTO="dataward_usb_ro"`)
	require.Contains(t, string(rule), " --setro $devnode")
}
