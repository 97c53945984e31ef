package agent

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/audit"
	"dataward/agent/fde"
	"dataward/agent/ipc"
	"dataward/clock"
)

// nagEvery is how often users are told that a required disk is not
// encrypted: once a day, not at every check.
const nagEvery = 24 * time.Hour

// encryptionCheck checks full-disk encryption at start and every
// encryption.check_every, audits changes and tells users about a disk that
// must be encrypted and is not.
type encryptionCheck struct {
	log     zerolog.Logger
	audit   *audit.Log
	clock   clock.Clock
	every   time.Duration
	require bool
	check   func(context.Context) ([]fde.Volume, error)
	// tell broadcasts a posture message to every desktop helper and
	// reports how many took it.
	tell func(ipc.Notice) int

	mu      sync.Mutex
	vols    []fde.Volume
	nagged  time.Time
	stop    *stopper
	wake    chan struct{}
	timer   clock.Timer
	checked bool
}

func (e *encryptionCheck) execute() error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		e.run(ctx)
		e.mu.Lock()
		e.timer = e.clock.AfterFunc(e.every, func() {
			select {
			case e.wake <- struct{}{}:
			default:
			}
		})
		e.mu.Unlock()
		select {
		case <-e.stop.done():
			e.mu.Lock()
			e.timer.Stop()
			e.mu.Unlock()
			return nil
		case <-e.wake:
		}
	}
}

// run checks once.
func (e *encryptionCheck) run(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	vols, err := e.check(ctx)
	if err != nil {
		e.log.Error().Err(err).Msg("checking disk encryption")
		vols = []fde.Volume{{Mount: "/", Role: fde.RoleSystem, State: fde.Unknown, Reason: err.Error()}}
	}
	e.mu.Lock()
	changed := !e.checked || !slices.EqualFunc(vols, e.vols, sameVolume)
	e.vols, e.checked = vols, true
	now := e.clock.Now()
	var bad []fde.Volume
	for _, v := range vols {
		if v.State != fde.Encrypted && v.Role != fde.RoleData {
			bad = append(bad, v)
		}
	}
	nag := e.require && len(bad) > 0 && (e.nagged.IsZero() || now.Sub(e.nagged) >= nagEvery)
	e.mu.Unlock()

	if changed {
		arr := zerolog.Arr()
		for _, v := range vols {
			arr.Dict(zerolog.Dict().Str("mount", v.Mount).Str("role", v.Role).Str("state", string(v.State)).
				Str("method", v.Method).Str("reason", v.Reason))
		}
		e.audit.Event(audit.EncryptionStatus).Array("volumes", arr).Bool("compliant", len(bad) == 0).Send()
	}
	if nag && e.tell(postureNotice(bad)) > 0 {
		// Only a message someone received counts; with no helper
		// connected the next check tries again.
		e.mu.Lock()
		e.nagged = now
		e.mu.Unlock()
	}
}

func sameVolume(a, b fde.Volume) bool {
	return a.Mount == b.Mount && a.State == b.State && a.Method == b.Method && a.Role == b.Role
}

// postureNotice tells a person which disk is not encrypted and how to fix it.
func postureNotice(bad []fde.Volume) ipc.Notice {
	var b strings.Builder
	b.WriteString("Party policy requires full-disk encryption on any PC that holds personal data.")
	for _, v := range bad {
		b.WriteString("\n" + v.Mount + ": " + strings.ReplaceAll(string(v.State), "_", " "))
		if v.Fix != "" {
			b.WriteString(". To fix: " + v.Fix)
		}
	}
	return ipc.Notice{Kind: ipc.NoticePosture, Title: "This PC's disk is not encrypted", Body: b.String()}
}

// volumes returns the latest result, for status.
func (e *encryptionCheck) volumes() []ipc.Volume {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]ipc.Volume, 0, len(e.vols))
	for _, v := range e.vols {
		out = append(out, ipc.Volume{Mount: v.Mount, Device: v.Device, Role: v.Role, State: string(v.State),
			Method: v.Method, Percent: v.Percent, Reason: v.Reason, Fix: v.Fix})
	}
	return out
}
