package retention

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	t0    = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rules = Rules{
		Personal:      72 * time.Hour,
		WarnBefore:    []time.Duration{24 * time.Hour, time.Hour, 10 * time.Minute},
		Grace:         15 * time.Minute,
		Extension:     24 * time.Hour,
		MaxExtensions: 2,
	}
)

// run drives a file through the rules as the agent does, returning what
// happened at which offset from t0, with the agent waking at each Next and
// the machine possibly off between from and to.
func run(t *testing.T, r Rules, f File, offFrom, offTo time.Duration) []string {
	t.Helper()
	var log []string
	now := t0
	for range 20 {
		if now.Sub(t0) > offFrom && now.Sub(t0) < offTo {
			now = t0.Add(offTo) // asleep or switched off
		}
		s := r.Due(f, now)
		switch {
		case s.Warn:
			log = append(log, "warn "+s.Lead.String()+" at "+now.Sub(t0).String())
			f = r.Warned(f, s.Lead, now)
		case s.Delete:
			return append(log, "delete at "+now.Sub(t0).String())
		default:
			require.True(t, s.Next.After(now), "next %v not after now %v", s.Next, now)
			now = s.Next
		}
	}
	t.Fatal("no deletion after 20 steps")
	return nil
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		r              Rules
		offFrom, offTo time.Duration
		want           []string
	}{
		{"on time", rules, 0, 0, []string{"warn 24h0m0s at 48h0m0s", "warn 1h0m0s at 71h0m0s", "warn 10m0s at 71h50m0s", "delete at 72h0m0s"}},
		{"off through the deadline", rules, 47 * time.Hour, 100 * time.Hour, []string{"warn 10m0s at 100h0m0s", "delete at 100h15m0s"}},
		{"off through the first warning only", rules, 47 * time.Hour, 71*time.Hour + 55*time.Minute,
			[]string{"warn 10m0s at 71h55m0s", "delete at 72h10m0s"}},
		{"no warnings configured", Rules{Personal: time.Hour, Grace: time.Minute}, 0, 0, []string{"warn 0s at 1h0m0s", "delete at 1h1m0s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, run(t, tc.r, File{FirstSeen: t0}, tc.offFrom, tc.offTo))
		})
	}
}

func TestNothingIsDeletedUnannounced(t *testing.T) {
	t.Parallel()
	f := File{FirstSeen: t0}
	s := rules.Due(f, t0.Add(1000*time.Hour))
	require.True(t, s.Warn)
	require.False(t, s.Delete)
	require.True(t, rules.DeleteAt(f).IsZero())
}

func TestClockMovedBack(t *testing.T) {
	t.Parallel()
	f := rules.Warned(File{FirstSeen: t0}, 24*time.Hour, t0.Add(48*time.Hour))
	s := rules.Due(f, t0.Add(-time.Hour))
	require.False(t, s.Warn || s.Delete)
	require.Equal(t, t0.Add(71*time.Hour), s.Next)
}

func TestExtend(t *testing.T) {
	t.Parallel()
	f := rules.Warned(File{FirstSeen: t0}, 24*time.Hour, t0.Add(48*time.Hour))
	f, err := rules.Extend(f)
	require.NoError(t, err)
	require.Equal(t, t0.Add(96*time.Hour), rules.Deadline(f))
	require.Empty(t, f.Warned, "warnings start again for the new deadline")
	require.Equal(t, t0.Add(48*time.Hour), f.FirstWarned)
	f, err = rules.Extend(f)
	require.NoError(t, err)
	_, err = rules.Extend(f)
	require.ErrorIs(t, err, ErrNoExtensionsLeft)
	require.Equal(t, 2, f.Extensions)
}

func TestWarningHandedToAHelper(t *testing.T) {
	t.Parallel()
	r := rules
	r.AckWait = 10 * time.Minute
	sent := t0.Add(48 * time.Hour)
	f := r.Sent(File{FirstSeen: t0}, 24*time.Hour, sent)
	require.True(t, f.FirstWarned.IsZero())
	require.Equal(t, t0.Add(72*time.Hour), r.DeleteAt(f), "unconfirmed, it counts as shown after AckWait")

	// Off through the deadline, handed over late and never confirmed: the
	// grace runs from AckWait after it was handed over.
	late := t0.Add(100 * time.Hour)
	f = r.Sent(File{FirstSeen: t0}, 0, late)
	require.False(t, r.Due(f, late).Warn, "not warned again and again while waiting")
	require.Equal(t, late.Add(25*time.Minute), r.DeleteAt(f))
	// Confirmed: the grace runs from when it was shown.
	f = r.Shown(f, late.Add(time.Minute))
	require.Equal(t, late.Add(16*time.Minute), r.DeleteAt(f))
}
