package agent

import (
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// actor is one part of the running agent (oklog/run's model): Execute runs
// until the actor is done or interrupted; Interrupt makes Execute return and
// may be called more than once.
type actor struct {
	name      string
	execute   func() error
	interrupt func(error)
}

// group runs actors together: when the first returns, all are interrupted,
// and run returns that first error once every actor has returned.
type group struct {
	log    zerolog.Logger
	actors []actor
}

func (g *group) add(name string, execute func() error, interrupt func(error)) {
	g.actors = append(g.actors, actor{name, execute, interrupt})
}

func (g *group) run() error {
	if len(g.actors) == 0 {
		return nil
	}
	errs := make(chan error, len(g.actors))
	for _, a := range g.actors {
		routine.Go(g.log, a.name, func() { errs <- g.execute(a) })
	}
	first := <-errs
	for _, a := range g.actors {
		a.interrupt(first)
	}
	for range len(g.actors) - 1 {
		<-errs
	}
	return first
}

// execute runs one actor, turning a panic into its error so the group
// still stops in order.
func (g *group) execute(a actor) (err error) {
	defer func() {
		if p := recover(); p != nil {
			g.log.Error().Str("actor", a.name).Interface("panic", p).Bytes("stack", debug.Stack()).Msg("actor panicked")
			err = fmt.Errorf("%s: panic: %v", a.name, p)
		}
	}()
	if err := a.execute(); err != nil {
		return fmt.Errorf("%s: %w", a.name, err)
	}
	return nil
}

// stopper is an idempotent interrupt for actors that wait on a channel.
type stopper struct {
	once sync.Once
	ch   chan struct{}
}

func newStopper() *stopper { return &stopper{ch: make(chan struct{})} }

func (s *stopper) stop(error)            { s.once.Do(func() { close(s.ch) }) }
func (s *stopper) done() <-chan struct{} { return s.ch }
