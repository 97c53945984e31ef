package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"dataward/agent/ipc"
	"dataward/policy/config"
)

// auditEvents reads the audit log at path as far as it is written.
func auditEvents(path string) []map[string]any {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var evs []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev map[string]any
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			evs = append(evs, ev)
		}
	}
	return evs
}

func countEvents(path, name string) int {
	n := 0
	for _, ev := range auditEvents(path) {
		if ev["event"] == name {
			n++
		}
	}
	return n
}

func TestSuperviseReloadsAChangedConfigAndKeepsTheOldOnABadOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dl := filepath.Join(dir, "Downloads")
	require.NoError(t, os.Mkdir(dl, 0o755))
	path := filepath.Join(dir, "dataward.yaml")
	auditLog := filepath.Join(dir, "audit.log")
	sock := filepath.Join(dir, "dataward.sock")
	write := func(personal, extra string) {
		t.Helper()
		cfg := fmt.Sprintf("version: 1\nwatch:\n  downloads: false\n  paths: [%q]\n  volumes: false\nretention:\n  personal: %s\n  warn_before: [1h]\nstate_dir: %q\naudit_log: %q\nsocket: %q\n%s",
			dl, personal, filepath.Join(dir, "state"), auditLog, sock, extra)
		// Written beside and renamed into place, as editors and config
		// management do.
		tmp := path + ".new"
		require.NoError(t, os.WriteFile(tmp, []byte(cfg), 0o600))
		require.NoError(t, os.Rename(tmp, path))
	}
	write("72h", "")
	cfg, err := LoadConfig(path)
	require.NoError(t, err)

	var mu sync.Mutex
	var apps []*App
	current := func() *App {
		mu.Lock()
		defer mu.Unlock()
		return apps[len(apps)-1]
	}
	refuse := false
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Supervise(ctx, SuperviseOptions{
			Path: path, Config: cfg, Reload: hup,
			Check: func(string) error {
				mu.Lock()
				defer mu.Unlock()
				if refuse {
					return errors.New("dataward.yaml is writable by others: chmod 600 it")
				}
				return nil
			},
			Started: func(a *App) { mu.Lock(); apps = append(apps, a); mu.Unlock() },
		}, Options{Version: "test", Log: zerolog.Nop()})
	}()
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(apps) == 1 }, 5*time.Second, 10*time.Millisecond)

	// A changed file is applied without a restart of the process.
	write("48h", "")
	require.Eventually(t, func() bool { return countEvents(auditLog, "config_reloaded") == 1 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, 48*time.Hour, current().cfg.Retention.Personal.D())

	// A bad file is rejected, and the config in force stays.
	write("48h", "colour: blue\n")
	require.Eventually(t, func() bool { return countEvents(auditLog, "config_rejected") == 1 }, 5*time.Second, 20*time.Millisecond)
	for _, ev := range auditEvents(auditLog) {
		if ev["event"] == "config_rejected" {
			require.Contains(t, ev["error"], "colour")
			require.Equal(t, path, ev["path"])
		}
	}
	c, err := ipc.Dial(t.Context(), sock)
	require.NoError(t, err, "the agent still serves")
	st, err := c.Status(t.Context())
	require.NoError(t, err)
	require.Equal(t, "test", st.Version)
	c.Close()
	require.Equal(t, 48*time.Hour, current().cfg.Retention.Personal.D())

	// A file that fails the check (writable by others) is rejected too.
	mu.Lock()
	refuse = true
	mu.Unlock()
	write("24h", "")
	require.Eventually(t, func() bool { return countEvents(auditLog, "config_rejected") == 2 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, 48*time.Hour, current().cfg.Retention.Personal.D())

	// SIGHUP reads it again.
	mu.Lock()
	refuse = false
	mu.Unlock()
	hup <- syscall.SIGHUP
	require.Eventually(t, func() bool { return countEvents(auditLog, "config_reloaded") == 2 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, 24*time.Hour, current().cfg.Retention.Personal.D())

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("Supervise did not return")
	}
	require.Equal(t, countEvents(auditLog, "agent_started"), countEvents(auditLog, "agent_stopped"))
}

func TestSupervisorStartsAndStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := supervisedConfig(t, dir)
	s := NewSupervisor(SuperviseOptions{Config: cfg}, Options{Version: "test", Log: zerolog.Nop()}, nil)
	require.NoError(t, s.Start())
	c, err := ipc.Dial(t.Context(), cfg.Socket)
	require.NoError(t, err, "Start returns once the agent serves")
	c.Close()
	require.Error(t, s.Start(), "started once")

	// A second agent on the same socket cannot start, and says why.
	other := NewSupervisor(SuperviseOptions{Config: cfg}, Options{Version: "test", Log: zerolog.Nop()}, nil)
	require.ErrorIs(t, other.Start(), ipc.ErrInUse)

	require.NoError(t, s.Stop())
	require.Equal(t, 1, countEvents(cfg.AuditLog, "agent_stopped"))
	_, err = ipc.Dial(t.Context(), cfg.Socket)
	require.ErrorIs(t, err, ipc.ErrNotRunning)
}

func supervisedConfig(t *testing.T, dir string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Watch.Downloads, cfg.Watch.Volumes = false, false
	cfg.StateDir = filepath.Join(dir, "state")
	cfg.AuditLog = filepath.Join(dir, "audit.log")
	cfg.Socket = filepath.Join(dir, "dataward.sock")
	return cfg
}
