package agent

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/audit"
	"dataward/agent/fde"
	"dataward/agent/ipc"
	"dataward/clock"
)

func TestEncryptionCheckAuditsChangesAndNagsDaily(t *testing.T) {
	t.Parallel()
	c := clock.NewFake(t0)
	buf := &bytes.Buffer{}
	state := fde.NotEncrypted
	var told []ipc.Notice
	helpers := 0
	e := &encryptionCheck{
		log: zerolog.Nop(), audit: audit.New(buf, c.Now), clock: c, every: time.Hour, require: true,
		check: func(context.Context) ([]fde.Volume, error) {
			return []fde.Volume{
				{Mount: "/", Role: fde.RoleSystem, State: state, Fix: "reinstall with encryption"},
				{Mount: "/srv", Role: fde.RoleData, State: fde.NotEncrypted},
			}, nil
		},
		tell: func(n ipc.Notice) int { told = append(told, n); return helpers },
	}
	ctx := t.Context()
	e.run(ctx) // no helper connected: tried, not counted
	require.Len(t, told, 1)
	helpers = 1
	c.Advance(time.Hour)
	e.run(ctx)
	require.Len(t, told, 2)
	require.Contains(t, told[1].Body, "/: not encrypted. To fix: reinstall with encryption")
	require.NotContains(t, told[1].Body, "/srv", "data volumes are reported, not nagged about")
	for range 23 {
		c.Advance(time.Hour)
		e.run(ctx)
	}
	require.Len(t, told, 2, "once a day")
	c.Advance(time.Hour)
	e.run(ctx)
	require.Len(t, told, 3)

	state = fde.Encrypted
	e.run(ctx)
	e.run(ctx)
	require.Len(t, told, 3, "nothing to say once encrypted")
	require.Equal(t, 2, strings.Count(buf.String(), `"event":"encryption_status"`), "audited at start and on the change only")
	require.Contains(t, buf.String(), `"compliant":true`)
	require.Equal(t, "encrypted", e.volumes()[0].State)
}
