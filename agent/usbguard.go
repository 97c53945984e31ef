package agent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/audit"
	"dataward/agent/command"
	"dataward/agent/ipc"
	"dataward/agent/routine"
	"dataward/agent/usb"
	"dataward/clock"
	"dataward/policy/classify"
	"dataward/policy/config"
	"dataward/watchers/volumes"
)

// Timings and budgets of the USB guard.
const (
	// reconcileEvery is how often every USB volume is checked again: that
	// it still refuses writes (someone may have cleared the block layer's
	// flag and remounted), that a busy one can now be blocked, and that
	// the OS's machine-wide policy is still set.
	reconcileEvery = 30 * time.Second
	// reportAfter is how long a volume may stay writable while it is
	// busy before the failure is audited and told: a write in progress
	// makes a remount fail for a moment.
	reportAfter = 2 * time.Second

	// A volume scan stops at whichever of these comes first: files
	// classified, bytes the classifier read (it samples: a 1 GB export
	// costs well under 1 MB), time.
	scanMaxFiles = 10000
	scanMaxBytes = 1 << 30
	scanMaxTime  = 10 * time.Minute
	// namesInNotice is how many file names a desktop message lists.
	namesInNotice = 3
)

// retryDelays are the waits before each new try to block a volume that
// stays writable; the last one repeats.
var retryDelays = []time.Duration{100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second}

// Volume states in status.
const (
	volReadOnly   = "read_only"   // a USB volume that refuses writes, verified by a write probe
	volNotBlocked = "not_blocked" // a USB volume that could not be made read-only (Reason says why)
	volAllowed    = "allowed"     // exempt by usb.allow
	volWritable   = "writable"    // usb.block_writes is off
	volRemovable  = "removable"   // removable media outside USB: scanned, not blocked
)

// The desktop messages of the USB guard.
const (
	blockedTitle = "USB storage is read-only"
	blockedBody  = "USB storage is read-only on this PC: party policy. You can open the files on %s, but not save to it."
	failedTitle  = "USB storage could not be made read-only"
	failedBody   = "Party policy prohibits personal data on USB storage, but %s could not be made read-only (%s). " +
		"Do not copy personal data to it; close any file open on it so it can be blocked, or remove it."
	foundTitle = "Personal data found on USB storage"
	foundBody  = "%d file(s) on %s hold personal data: %s. Party policy prohibits personal data on USB storage. " +
		"Nothing on it was changed or deleted: move the data back into the approved system and remove it from the device."
)

// usbPlatform is what the guard asks of the OS (agent/usb); tests replace
// parts of it.
type usbPlatform struct {
	describe func(context.Context, usb.Env, usb.Mount) (usb.Device, error)
	block    func(context.Context, usb.Env, usb.Device, usb.Mount) (string, error)
	probe    func(dir string) error
	enforce  func(context.Context, usb.Env) error
}

var realUSB = usbPlatform{describe: usb.Describe, block: usb.Block, probe: usb.ProbeWrite, enforce: usb.Enforce}

// usbGuard makes USB storage read-only as it is mounted and keeps it so,
// and looks for personal data on removable volumes. It acts on the mount
// table's events; nothing on a volume is ever deleted.
type usbGuard struct {
	log        zerolog.Logger
	audit      *audit.Log
	clock      clock.Clock
	plat       usbPlatform
	env        usb.Env
	allow      []usb.Rule
	blockWrite bool // usb.block_writes
	scanVols   bool // watch.volumes
	// inspect classifies mount/rel without following links, pinning a
	// personal file's identity (its SHA-256).
	inspect func(ctx context.Context, root, rel string) (inspection, error)
	// tell broadcasts a message to every desktop helper and reports how
	// many took it.
	tell   func(ipc.Notice) int
	events <-chan volumes.Event
	stop   *stopper
	wake   chan struct{}
	// budget bounds each volume scan; scanMax* when zero.
	budget scanBudget

	mu       sync.Mutex
	vols     map[int]*guarded
	timer    clock.Timer
	timerAt  time.Time  // when timer fires
	queue    []*guarded // volumes waiting for their scan
	kick     chan struct{}
	enforced error // the last Enforce error, logged on change only
	watchErr error // why mounts are not watched; nil while they are
}

// unavailable records that mounts cannot be watched, for status.
func (g *usbGuard) unavailable(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.watchErr = err
}

// scanBudget bounds a volume scan.
type scanBudget struct {
	files int
	bytes int64
	time  time.Duration
}

// guarded is one mounted USB or removable volume.
type guarded struct {
	m            volumes.Mount
	d            usb.Device
	state        string
	how          string
	reason       string
	failedOnce   bool      // usb_block_failed was audited for this mount
	failures     int       // tries in a row that left it writable
	failingSince time.Time // the first of them
	retryAt      time.Time // when the next try is due
	trigger      string    // what started the tries: mounted, remounted read-write ...
	scan         string
	personal     int
	cancel       context.CancelFunc // ends its scan; nil when none runs
}

func (v *guarded) mount() usb.Mount {
	return usb.Mount{Point: v.m.Point, Source: v.m.Source, FSType: v.m.FSType,
		Major: v.m.Major, Minor: v.m.Minor, ReadOnly: v.m.ReadOnly}
}

// mustBlock reports whether the volume is USB storage the policy makes
// read-only.
func (g *usbGuard) mustBlock(v *guarded) bool {
	return v.d.USB && g.blockWrite && v.state != volAllowed
}

// prepare readies the guard's tables; execute calls it.
func (g *usbGuard) prepare() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.vols = make(map[int]*guarded)
	g.kick = make(chan struct{}, 1)
	if g.budget == (scanBudget{}) {
		g.budget = scanBudget{files: scanMaxFiles, bytes: scanMaxBytes, time: scanMaxTime}
	}
}

func (g *usbGuard) execute() error {
	g.prepare()
	ctx, cancel := context.WithCancel(context.Background())
	var scans sync.WaitGroup
	scans.Add(1)
	routine.Go(g.log, "volume-scan", func() {
		defer scans.Done()
		g.scanLoop(ctx)
	})
	defer func() {
		cancel()
		scans.Wait()
		g.mu.Lock()
		if g.timer != nil {
			g.timer.Stop()
		}
		g.mu.Unlock()
	}()
	g.enforce(ctx)
	g.arm(reconcileEvery)
	events := g.events
	for {
		select {
		case <-g.stop.done():
			return nil
		case ev, ok := <-events:
			if !ok {
				// The watcher stopped; the group is stopping too.
				events = nil
				continue
			}
			g.handle(ctx, ev)
		case <-g.wake:
			g.reconcile(ctx)
		}
	}
}

// arm sets the reconcile timer to fire after d.
func (g *usbGuard) arm(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armLocked(d)
}

// armBefore makes the reconcile timer fire within d, if it would not
// already.
func (g *usbGuard) armBefore(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.timer == nil || g.clock.Now().Add(d).Before(g.timerAt) {
		g.armLocked(d)
	}
}

func (g *usbGuard) armLocked(d time.Duration) {
	if g.timer != nil {
		g.timer.Stop()
	}
	g.timerAt = g.clock.Now().Add(d)
	g.timer = g.clock.AfterFunc(d, func() {
		select {
		case g.wake <- struct{}{}:
		default:
		}
	})
}

func (g *usbGuard) handle(ctx context.Context, ev volumes.Event) {
	switch ev.Op {
	case volumes.Mounted:
		g.mounted(ctx, ev.Mount)
	case volumes.Changed:
		g.mu.Lock()
		v := g.vols[ev.Mount.ID]
		if v != nil {
			v.m = ev.Mount
		}
		g.mu.Unlock()
		if v != nil && g.mustBlock(v) && !ev.Mount.ReadOnly {
			g.enforceOn(ctx, v, "remounted read-write")
		}
	case volumes.Unmounted:
		g.mu.Lock()
		v := g.vols[ev.Mount.ID]
		delete(g.vols, ev.Mount.ID)
		g.mu.Unlock()
		if v != nil {
			g.endScan(v)
			g.log.Info().Str("mount", v.m.Point).Str("device", v.d.Name).Msg("volume unmounted")
		}
	}
}

// mounted looks at a new mount: a USB or removable volume is audited,
// blocked or allowed, and queued for its scan.
func (g *usbGuard) mounted(ctx context.Context, m volumes.Mount) {
	um := usb.Mount{Point: m.Point, Source: m.Source, FSType: m.FSType, Major: m.Major, Minor: m.Minor, ReadOnly: m.ReadOnly}
	d, err := g.plat.describe(ctx, g.env, um)
	if errors.Is(err, usb.ErrNotFound) {
		return // no block device behind it
	}
	if err != nil {
		g.log.Error().Err(err).Str("mount", m.Point).Str("source", m.Source).Msg("cannot tell whether the volume is usb storage")
		return
	}
	if !d.USB && !d.Removable {
		return
	}
	v := &guarded{m: m, d: d, state: volRemovable, scan: "off"}
	if d.USB {
		switch {
		case !usb.Allowed(d, g.allow):
			v.state = volNotBlocked
			if !g.blockWrite {
				v.state = volWritable
			}
		default:
			v.state = volAllowed
		}
	}
	g.mu.Lock()
	g.vols[m.ID] = v
	g.mu.Unlock()

	g.deviceEvent(audit.VolumeMounted, v).Str("fstype", m.FSType).Bool("usb", d.USB).
		Bool("read_only", m.ReadOnly).Str("why", d.Why).Send()
	switch v.state {
	case volAllowed:
		g.deviceEvent(audit.USBAllowed, v).Send()
	case volNotBlocked:
		g.enforceOn(ctx, v, "mounted")
	}
	// A bind mount shows part of a volume seen elsewhere in full.
	if g.scanVols && m.Root == "/" {
		g.mu.Lock()
		v.scan = "queued"
		g.queue = append(g.queue, v)
		g.mu.Unlock()
		select {
		case g.kick <- struct{}{}:
		default:
		}
	}
}

// deviceEvent starts an audit event about v's device.
func (g *usbGuard) deviceEvent(name string, v *guarded) *zerolog.Event {
	return g.audit.Event(name).Str("mount", v.m.Point).Str("device", v.d.Name).
		Str("vendor", v.d.Vendor).Str("product", v.d.Product).Str("serial", v.d.Serial)
}

// enforceOn blocks v and checks with a write that it worked. A volume
// that stays writable is tried again soon (a write in progress makes a
// remount fail with EBUSY for a moment); one still writable after
// reportAfter, or one that cannot be blocked at all, is audited once per
// mount and told to the users, and tried again every retryBusy.
func (g *usbGuard) enforceOn(ctx context.Context, v *guarded, trigger string) {
	g.mu.Lock()
	d, um := v.d, v.mount()
	g.mu.Unlock()
	how, berr := g.plat.block(ctx, g.env, d, um)
	perr := g.plat.probe(um.Point)
	refused := usb.Refused(perr)
	if refused && berr != nil {
		// Writes fail now, but some step did not take (a partition's flag,
		// say): the reconcile loop checks again.
		g.log.Warn().Err(berr).Str("mount", um.Point).Msg("usb volume read-only, but not every step worked")
	}

	now := g.clock.Now()
	g.mu.Lock()
	v.how = how
	if v.trigger == "" {
		v.trigger = trigger
	}
	trigger, attempts := v.trigger, v.failures+1
	report := false
	if refused {
		v.state, v.reason, v.failedOnce, v.failures, v.failingSince, v.trigger = volReadOnly, "", false, 0, time.Time{}, ""
	} else {
		v.state = volNotBlocked
		v.reason = blockFailure(berr, perr, how)
		if v.failures == 0 {
			v.failingSince = now
		}
		v.failures++
		v.retryAt = now.Add(retryDelays[min(v.failures, len(retryDelays))-1])
		report = !v.failedOnce && (now.Sub(v.failingSince) >= reportAfter || !errors.Is(berr, usb.ErrBusy))
		if report {
			v.failedOnce = true
		} else if due := v.failingSince.Add(reportAfter); !v.failedOnce && due.Before(v.retryAt) {
			v.retryAt = due // one try falls when the failure is due to be reported
		}
	}
	reason, retryAt := v.reason, v.retryAt
	g.mu.Unlock()

	label := volumeLabel(um.Point)
	switch {
	case refused:
		g.deviceEvent(audit.USBBlocked, v).Str("how", how).Str("trigger", trigger).Int("attempts", attempts).Send()
		g.tell(ipc.Notice{Kind: ipc.NoticePosture, Title: blockedTitle, Body: fmt.Sprintf(blockedBody, label)})
		return
	case report:
		g.deviceEvent(audit.USBBlockFailed, v).Str("how", how).Str("trigger", trigger).Int("attempts", attempts).
			Str("reason", reason).Send()
		g.log.Error().Str("mount", um.Point).Str("reason", reason).Msg("usb volume still writable")
		g.tell(ipc.Notice{Kind: ipc.NoticePosture, Title: failedTitle, Body: fmt.Sprintf(failedBody, label, reason)})
	default:
		g.log.Debug().Str("mount", um.Point).Str("reason", reason).Msg("usb volume still writable; trying again")
	}
	g.armBefore(retryAt.Sub(now))
}

// blockFailure says why a volume still takes writes.
func blockFailure(berr, perr error, how string) string {
	switch {
	case errors.Is(berr, usb.ErrBusy):
		return "busy: a file on it is open for writing"
	case errors.Is(berr, errors.ErrUnsupported):
		return "this system gives no way to block it: " + berr.Error()
	case berr != nil:
		return berr.Error()
	case perr == nil:
		return "a test write still succeeded after " + how
	}
	return "the test write failed unexpectedly: " + perr.Error()
}

// reconcile re-sets the OS policy, retries volumes that are still
// writable, and checks that blocked ones still refuse writes.
func (g *usbGuard) reconcile(ctx context.Context) {
	g.arm(reconcileEvery)
	g.enforce(ctx)
	now := g.clock.Now()
	g.mu.Lock()
	var check []*guarded
	for _, v := range g.vols {
		if g.mustBlock(v) {
			check = append(check, v)
		}
	}
	g.mu.Unlock()
	for _, v := range check {
		g.mu.Lock()
		state, retryAt := v.state, v.retryAt
		point := v.m.Point
		g.mu.Unlock()
		switch {
		case state == volNotBlocked && !now.Before(retryAt):
			g.enforceOn(ctx, v, "retry")
		case state == volNotBlocked:
			g.armBefore(retryAt.Sub(now))
		case !usb.Refused(g.plat.probe(point)):
			g.enforceOn(ctx, v, "found writable")
		}
	}
}

// enforce sets the OS's machine-wide policy, logging a change of outcome.
func (g *usbGuard) enforce(ctx context.Context) {
	if !g.blockWrite {
		return
	}
	err := g.plat.enforce(ctx, g.env)
	g.mu.Lock()
	changed := (err == nil) != (g.enforced == nil) || (err != nil && err.Error() != g.enforced.Error())
	g.enforced = err
	g.mu.Unlock()
	if changed && err != nil {
		g.log.Error().Err(err).Msg("usb write policy not set")
	}
}

// status lists the USB and removable volumes for `dataward status`.
func (g *usbGuard) status() []ipc.Volume {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]ipc.Volume, 0, len(g.vols)+1)
	if g.watchErr != nil {
		out = append(out, ipc.Volume{Role: "usb", State: "unavailable", Reason: g.watchErr.Error(),
			Fix: "USB storage is not blocked on this PC: report it to whoever installed dataward"})
	}
	for _, v := range g.vols {
		role := "usb"
		if !v.d.USB {
			role = "removable"
		}
		out = append(out, ipc.Volume{Mount: v.m.Point, Device: v.d.Name, Role: role, State: v.state,
			Method: v.how, Reason: v.reason, Fix: fixFor(v), Vendor: v.d.Vendor, Product: v.d.Product,
			Serial: v.d.Serial, Scan: v.scan, Personal: v.personal})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Mount < out[j].Mount })
	return out
}

func fixFor(v *guarded) string {
	if v.state == volNotBlocked {
		return "close every file open on the device, or remove it"
	}
	return ""
}

// volumeLabel names a volume for a person: the last part of its mount
// point ("STICK" for /media/ann/STICK), or the point itself (E:\).
func volumeLabel(point string) string {
	b := filepath.Base(point)
	if b == "." || b == string(filepath.Separator) || strings.HasSuffix(point, `:\`) || b == "" {
		return point
	}
	return b
}

// scanLoop scans queued volumes one at a time.
func (g *usbGuard) scanLoop(ctx context.Context) {
	for {
		g.mu.Lock()
		var v *guarded
		if len(g.queue) > 0 {
			v, g.queue = g.queue[0], g.queue[1:]
		}
		var vctx context.Context
		if v != nil {
			if g.vols[v.m.ID] != v {
				v = nil // unmounted while it waited
			} else {
				var cancel context.CancelFunc
				vctx, cancel = context.WithTimeout(ctx, g.budget.time)
				v.cancel, v.scan = cancel, "scanning"
			}
		}
		g.mu.Unlock()
		if v != nil {
			g.scanVolume(vctx, v)
			g.endScan(v)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-g.kick:
		}
	}
}

func (g *usbGuard) endScan(v *guarded) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
}

// scanVolume classifies the files of v within the budget, audits each
// personal-data file and tells the users what was found.
func (g *usbGuard) scanVolume(ctx context.Context, v *guarded) {
	root := v.m.Point
	var files, personal, unreadable int
	var bytes int64
	var names []string
	stopped := ""
	walkErr := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			if path == root {
				return err
			}
			unreadable++
			return nil
		}
		if !de.Type().IsRegular() {
			return nil // folders are walked; links and devices are never followed or read
		}
		if files >= g.budget.files || bytes >= g.budget.bytes {
			stopped = fmt.Sprintf("budget of %d files or %d MiB read reached", g.budget.files, g.budget.bytes>>20)
			return fs.SkipAll
		}
		files++
		rel, err := filepath.Rel(root, path)
		if err != nil {
			unreadable++
			return nil
		}
		in, err := g.inspect(ctx, root, rel)
		bytes += in.read
		switch {
		case err != nil:
			unreadable++
		case in.result.Verdict == classify.Personal:
			personal++
			if len(names) < namesInNotice {
				names = append(names, filepath.Base(rel))
			}
			g.deviceEvent(audit.PersonalOnVolume, v).Str("path", path).Str("sha256", in.id.SHA256).
				Str("owner", in.owner).Int("records", in.result.Records).Strs("signals", nonNil(in.result.Signals)).Send()
		}
		return nil
	})
	switch {
	case errors.Is(walkErr, context.DeadlineExceeded):
		stopped = fmt.Sprintf("time budget of %s reached", g.budget.time)
	case errors.Is(walkErr, context.Canceled):
		stopped = "volume unmounted or agent stopping"
	case walkErr != nil:
		stopped = walkErr.Error()
	}
	scan := "done"
	if stopped != "" {
		scan = "incomplete"
	}
	g.mu.Lock()
	v.scan, v.personal = scan, personal
	g.mu.Unlock()
	g.deviceEvent(audit.VolumeScanned, v).Int("files", files).Int("personal", personal).
		Int("unreadable", unreadable).Bool("complete", stopped == "").Str("stopped", stopped).Send()
	if personal > 0 {
		list := strings.Join(names, ", ")
		if personal > len(names) {
			list += fmt.Sprintf(" and %d more", personal-len(names))
		}
		g.tell(ipc.Notice{Kind: ipc.NoticePosture, Title: foundTitle,
			Body: fmt.Sprintf(foundBody, personal, volumeLabel(root), list)})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// rulesOfUSB turns usb.allow into usb.Rules.
func rulesOfUSB(allow []config.USBDevice) []usb.Rule {
	rs := make([]usb.Rule, 0, len(allow))
	for _, a := range allow {
		rs = append(rs, usb.Rule{Vendor: a.Vendor, Product: a.Product, Serial: a.Serial})
	}
	return rs
}

// UdevRule renders the udev rule that keeps USB disks read-only as they
// arrive, for cfg's usb.allow and usb.extra_devices (Linux; the installer
// puts it in place). It returns nil where the OS has no udev (no blockdev
// in its table of programs).
func UdevRule(cfg config.Config) ([]byte, error) {
	blockdev, err := command.Path("blockdev")
	if errors.Is(err, command.ErrNotAllowed) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("USB disks could not be made read-only as they arrive: %w", err)
	}
	return usb.UdevRule(blockdev, rulesOfUSB(cfg.USB.Allow), cfg.USB.ExtraDevices)
}
