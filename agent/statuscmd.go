package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"dataward/agent/ipc"
	"dataward/policy/config"
)

// StatusOptions are the arguments of `dataward status`.
type StatusOptions struct {
	JSON   bool
	Config config.Config
	Now    time.Time
	Out    io.Writer
}

// Status asks the running agent for its posture (disk encryption, the
// watched folders) and the caller's pending
// deletions (everyone's for an administrator) and prints them. Its error
// wraps ipc.ErrNotRunning when no agent answers.
func Status(ctx context.Context, o StatusOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := ipc.Dial(ctx, o.Config.Socket)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := c.Status(ctx)
	if err != nil {
		return fmt.Errorf("asking the agent: %w", err)
	}
	if o.JSON {
		enc := json.NewEncoder(o.Out)
		enc.SetEscapeHTML(false)
		return enc.Encode(st)
	}
	w := &errWriter{w: o.Out}
	w.printf("dataward %s, running since %s\n", st.Version, st.Started.Local().Format("Mon 2 Jan 15:04"))
	w.printf("watching %d folder(s)\n", len(st.Watching))
	for _, p := range st.Watching {
		w.printf("  %s\n", p)
	}
	for _, v := range st.Encryption {
		state := strings.ReplaceAll(v.State, "_", " ")
		if v.Method != "" {
			state += " (" + v.Method + ")"
		}
		if v.Percent > 0 {
			state += fmt.Sprintf(", %d%%", v.Percent)
		}
		w.printf("disk %s (%s): %s\n", v.Mount, v.Role, state)
		if v.State != "encrypted" && v.Fix != "" {
			w.printf("  to fix: %s\n", v.Fix)
		}
	}
	printVolumes(w, st.USB)
	if len(st.Pending) == 0 {
		w.printf("no flagged files waiting for deletion\n")
	} else {
		w.printf("%d flagged file(s) waiting for deletion:\n", len(st.Pending))
	}
	for _, p := range st.Pending {
		due := p.DeleteAt
		if due.IsZero() {
			due = p.Deadline
		}
		w.printf("  %s  %s (%d people, %s)  deleted %s\n", filepath.Base(p.Path), p.Owner, p.Records,
			joinSignals(p.Signals), dueIn(due, o.Now))
	}
	return w.err
}

// volumeStates says each USB volume state for a person.
var volumeStates = map[string]string{
	"read_only":   "read-only",
	"not_blocked": "NOT read-only",
	"allowed":     "writable (allowed by usb.allow)",
	"writable":    "writable (usb.block_writes is off)",
	"removable":   "removable media, not USB",
	"unavailable": "NOT watched",
}

func printVolumes(w *errWriter, vols []ipc.Volume) {
	if len(vols) == 0 {
		w.printf("no usb storage mounted\n")
		return
	}
	w.printf("usb storage:\n")
	for _, v := range vols {
		state := volumeStates[v.State]
		if state == "" {
			state = v.State
		}
		if v.Reason != "" {
			state += ": " + v.Reason
		}
		dev := v.Device
		if v.Vendor != "" || v.Product != "" {
			dev += ", " + v.Vendor + ":" + v.Product
		}
		if dev != "" {
			dev = " (" + dev + ")"
		}
		w.printf("  %s%s: %s\n", v.Mount, dev, state)
		switch v.Scan {
		case "done", "incomplete":
			w.printf("    scan %s: %d file(s) with personal data\n", v.Scan, v.Personal)
		case "queued", "scanning":
			w.printf("    scan %s\n", v.Scan)
		}
		if v.Fix != "" {
			w.printf("    to fix: %s\n", v.Fix)
		}
	}
}

// dueIn says when a deletion is due, for a person.
func dueIn(at, now time.Time) string {
	d := at.Sub(now).Round(time.Minute)
	switch {
	case d <= 0:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("in %d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return "on " + at.Local().Format("Mon 2 Jan 15:04")
}

func joinSignals(s []string) string { return strings.Join(s, ", ") }

// errWriter keeps the first write error, so printing can go on unchecked.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
