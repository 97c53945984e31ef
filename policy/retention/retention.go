// Package retention holds the rules a flagged file lives by: when its user
// is warned, when it may be deleted, and how "keep it longer" moves the
// deadline. It is pure: it is handed the file's record, the rules and the
// time, and says what is due.
package retention

import (
	"errors"
	"slices"
	"time"
)

// Rules are the retention settings of the config.
type Rules struct {
	Personal      time.Duration   // deadline = first seen + Personal (+ extensions)
	WarnBefore    []time.Duration // lead times of the warnings before the deadline
	Grace         time.Duration   // least time between the first warning and deletion
	Extension     time.Duration   // what one "keep it longer" adds
	MaxExtensions int
	// AckWait is how long a warning handed to the user's desktop helper may
	// go unconfirmed before it counts as shown anyway, so a helper that
	// cannot display anything does not keep a file forever.
	AckWait time.Duration
}

// File is what the rules need to know about one flagged file.
type File struct {
	FirstSeen  time.Time
	Extensions int
	// Warned lists the lead times whose warnings have been given.
	Warned []time.Duration
	// FirstWarned is when the user was first shown a warning (zero:
	// never). Deletion waits for at least Grace after it.
	FirstWarned time.Time
	// FirstSent is when a warning was first handed to the user's desktop
	// helper, which has not yet confirmed showing it (zero: none).
	FirstSent time.Time
}

// Deadline is when the file is due for deletion if its user was warned in
// good time.
func (r Rules) Deadline(f File) time.Time {
	return f.FirstSeen.Add(r.Personal + time.Duration(f.Extensions)*r.Extension)
}

// DeleteAt is when the file may be deleted: the deadline, but never sooner
// than Grace after the first warning. It is zero while no warning has been
// given, since nothing is deleted unannounced.
func (r Rules) DeleteAt(f File) time.Time {
	shown := f.FirstWarned
	if shown.IsZero() && !f.FirstSent.IsZero() {
		shown = f.FirstSent.Add(r.AckWait)
	}
	if shown.IsZero() {
		return time.Time{}
	}
	return latest(r.Deadline(f), shown.Add(r.Grace))
}

// Step is what is due for one file at one time.
type Step struct {
	// Warn is set when a warning is due now; Lead is its lead time (0 for a
	// warning given late, at or after the deadline). Give it, then record
	// it with Warned.
	Warn bool
	Lead time.Duration
	// Delete is set when the file is due for deletion now.
	Delete bool
	// Next is when something will next be due, if nothing changes.
	Next time.Time
}

// Due says what is due for f at now. Warnings whose time passed while the
// machine was off are not all given: only the latest one due, once.
func (r Rules) Due(f File, now time.Time) Step {
	deadline := r.Deadline(f)
	leads := r.pendingLeads(f)
	// Latest-due pending warning: the smallest lead whose time has come.
	for i := len(leads) - 1; i >= 0; i-- {
		if !now.Before(deadline.Add(-leads[i])) {
			return Step{Warn: true, Lead: leads[i], Next: now}
		}
	}
	if f.FirstWarned.IsZero() && f.FirstSent.IsZero() && !now.Before(deadline) {
		// The deadline passed unannounced (no lead times configured, or the
		// machine was off through all of them): warn now, delete after grace.
		return Step{Warn: true, Lead: 0, Next: now}
	}
	if del := r.DeleteAt(f); !del.IsZero() && !now.Before(del) {
		return Step{Delete: true, Next: now}
	}
	next := deadline
	if del := r.DeleteAt(f); !del.IsZero() {
		next = del
	}
	if len(leads) > 0 {
		next = earliest(next, deadline.Add(-leads[0]))
	}
	return Step{Next: next}
}

// pendingLeads are the configured lead times not yet warned at, largest
// first.
func (r Rules) pendingLeads(f File) []time.Duration {
	var out []time.Duration
	for _, l := range r.WarnBefore {
		if !slices.Contains(f.Warned, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return int(b - a) })
	return out
}

// Warned records that the warning with lead time lead was shown at now.
func (r Rules) Warned(f File, lead time.Duration, now time.Time) File {
	return r.Shown(r.Sent(f, lead, time.Time{}), now)
}

// Sent records that the warning with lead time lead was given: it and
// every larger lead count as given, so a late warning does not bring the
// earlier ones back. A non-zero handedOver is when it was handed to a
// desktop helper that has yet to confirm showing it.
func (r Rules) Sent(f File, lead time.Duration, handedOver time.Time) File {
	f.Warned = slices.Clone(f.Warned)
	for _, l := range r.WarnBefore {
		if l >= lead && !slices.Contains(f.Warned, l) {
			f.Warned = append(f.Warned, l)
		}
	}
	if lead == 0 && !slices.Contains(f.Warned, 0) {
		f.Warned = append(f.Warned, 0)
	}
	if f.FirstSent.IsZero() {
		f.FirstSent = handedOver
	}
	return f
}

// Shown records that the user saw a warning at at. Only the first counts.
func (r Rules) Shown(f File, at time.Time) File {
	if f.FirstWarned.IsZero() {
		f.FirstWarned = at
	}
	return f
}

// ErrNoExtensionsLeft reports that a file has used every "keep it longer".
var ErrNoExtensionsLeft = errors.New("no extensions left")

// Extend moves the deadline by one Extension, if any are left. The
// warnings start again for the new deadline; the first warning time stays,
// since the user has already been told.
func (r Rules) Extend(f File) (File, error) {
	if f.Extensions >= r.MaxExtensions {
		return f, ErrNoExtensionsLeft
	}
	f.Extensions++
	f.Warned = nil
	return f, nil
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
