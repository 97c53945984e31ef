package installer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kardianos/service"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// osLog is a service.Logger that keeps its lines.
type osLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *osLog) add(level string, v ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+" "+fmt.Sprint(v...))
	return nil
}
func (l *osLog) Error(v ...any) error   { return l.add("E", v...) }
func (l *osLog) Warning(v ...any) error { return l.add("W", v...) }
func (l *osLog) Info(v ...any) error    { return l.add("I", v...) }
func (l *osLog) Errorf(f string, a ...any) error {
	return l.add("E", fmt.Sprintf(f, a...))
}
func (l *osLog) Warningf(f string, a ...any) error {
	return l.add("W", fmt.Sprintf(f, a...))
}
func (l *osLog) Infof(f string, a ...any) error { return l.add("I", fmt.Sprintf(f, a...)) }

func (l *osLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func TestSystemLogWriterSendsLinesFromItsLevelUp(t *testing.T) {
	t.Parallel()
	sink := &osLog{}
	w := &SystemLogWriter{min: zerolog.WarnLevel, l: sink}
	var stderr bytes.Buffer
	log := zerolog.New(zerolog.MultiLevelWriter(&stderr, w))
	log.Info().Msg("watching")
	log.Warn().Str("path", "/home/a/Downloads").Msg("folder gone")
	log.Error().Msg("state not saved")
	log.Log().Msg("no level")
	require.Equal(t, []string{
		`W {"level":"warn","path":"/home/a/Downloads","message":"folder gone"}`,
		`E {"level":"error","message":"state not saved"}`,
	}, sink.get())
	require.Equal(t, 4, strings.Count(stderr.String(), "\n"), "the usual output has every line")

	all := &osLog{}
	w = &SystemLogWriter{min: zerolog.DebugLevel, l: all}
	l := zerolog.New(w)
	l.Log().Msg("no level")
	n, err := w.Write([]byte("plain\n"))
	require.NoError(t, err)
	require.Equal(t, 6, n)
	require.Equal(t, []string{`I {"message":"no level"}`, "I plain"}, all.get())
}

// prog is a Program that records its calls.
type prog struct {
	mu              sync.Mutex
	calls           []string
	startErr, stopE error
	started         chan struct{}
}

func (p *prog) Start() error {
	p.mu.Lock()
	p.calls = append(p.calls, "start")
	p.mu.Unlock()
	if p.started != nil && p.startErr == nil {
		close(p.started)
	}
	return p.startErr
}

func (p *prog) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, "stop")
	return p.stopE
}

type fakeService struct{ service.Service }

func (fakeService) Platform() string { return "test" }

func TestHostLogsTheLifecycle(t *testing.T) {
	t.Parallel()
	sink := &osLog{}
	var buf bytes.Buffer
	p := &prog{}
	h := &host{name: "dataward", prg: p, log: zerolog.New(&buf), os: sink}
	require.NoError(t, h.Start(fakeService{}))
	require.NoError(t, h.Stop(fakeService{}))
	require.Equal(t, []string{"I dataward started", "I dataward stopped"}, sink.get())
	for _, msg := range []string{"service starting", "service started", "service stopping", "service stopped"} {
		require.Contains(t, buf.String(), `"message":"`+msg+`"`)
	}

	sink = &osLog{}
	p = &prog{startErr: errors.New("serving /run/dataward/dataward.sock: in use")}
	h = &host{name: "dataward", prg: p, log: zerolog.Nop(), os: sink}
	require.ErrorContains(t, h.Start(fakeService{}), "in use")
	p.stopE = errors.New("state not saved")
	require.ErrorContains(t, h.Shutdown(fakeService{}), "state not saved")
	require.Equal(t, []string{
		"E dataward failed to start: serving /run/dataward/dataward.sock: in use",
		"E dataward stopped with an error: stopping: state not saved",
	}, sink.get())
}
