package ipc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// Handler is what the agent implements. The server has identified the
// Peer from the kernel before any call; the Handler decides what that
// peer may see and do. Its methods are called concurrently, one goroutine
// per connection, with absolute paths only. An error's text is sent to
// the client, so it must not describe other users' files; ErrNotYours,
// ErrNotFound and ErrNoExtensionsLeft (wrapped or not) reach the client
// as themselves.
type Handler interface {
	Status(p Peer) Status
	DeleteNow(p Peer, path string) (Pending, error)
	Extend(p Peer, path string) (Pending, error)
	Shown(p Peer, notice uint64, path string) error
}

// limits are the protocol limits a server applies; tests shorten them.
type limits struct {
	read, idle, write time.Duration
	conns, perPeer    int
	queue             int // notices waiting for one subscriber
	badLines          int // malformed requests before the connection is closed
}

var defaultLimits = limits{
	read: ReadTimeout, idle: IdleTimeout, write: WriteTimeout,
	conns: MaxConns, perPeer: MaxPerPeer, queue: 64, badLines: 3,
}

// acceptBackoff is the pause after a failed accept (EMFILE, say) before
// the next, so that a lasting failure does not spin. It paces a system
// call, not the agent's logic, so it is real time, not the clock's.
const acceptBackoff = 100 * time.Millisecond

// Server is the agent's end of the local API. It is a run-group actor:
// Execute serves until Interrupt.
type Server struct {
	h      Handler
	log    zerolog.Logger
	ln     net.Listener
	lim    limits
	notice atomic.Uint64 // the last Notice ID assigned
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[*conn]struct{}
	done   chan struct{} // closed by Interrupt
	closed bool
}

// conn is one client connection.
type conn struct {
	nc   net.Conn
	key  string      // the peer, once identified (peerKey); guarded by Server.mu
	out  chan []byte // queued notices, once subscribed; set under Server.mu
	once sync.Once
}

func (c *conn) close() { c.once.Do(func() { c.nc.Close() }) }

// peerKey is who a connection belongs to, for per-user limits and
// notices: the SID on Windows, the uid elsewhere.
func peerKey(uid int, sid string) string {
	if sid != "" {
		return "sid:" + sid
	}
	return "uid:" + strconv.Itoa(uid)
}

// Listen starts serving endpoint (a socket path, or \\.\pipe\name on
// Windows) for h; connections are accepted once Execute runs. It fails,
// with ErrInUse, when another process serves endpoint. On Unix it also
// refuses a socket folder that another user owns or every user may write
// to, and a path that is there but not a socket. log is used as given:
// the caller names the component.
func Listen(endpoint string, h Handler, log zerolog.Logger) (*Server, error) {
	ln, err := listen(endpoint)
	if err != nil {
		return nil, err
	}
	s := newServer(h, log, defaultLimits)
	s.ln = ln
	return s, nil
}

func newServer(h Handler, log zerolog.Logger, lim limits) *Server {
	return &Server{h: h, log: log, lim: lim, conns: map[*conn]struct{}{}, done: make(chan struct{})}
}

// Execute accepts and serves connections until Interrupt, then closes
// them and waits for their goroutines to end. An interrupted server
// returns nil.
func (s *Server) Execute() error {
	defer func() {
		s.Interrupt(nil)
		s.wg.Wait()
	}()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return nil
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("accepting: %w", err)
			}
			s.log.Error().Err(err).Msg("accept failed")
			select {
			case <-s.done:
				return nil
			case <-time.After(acceptBackoff):
			}
			continue
		}
		if c := s.admit(nc); c != nil {
			s.spawn("ipc conn", func() { s.serve(c) })
		}
	}
}

// Interrupt closes the listener and every connection. It may be called
// more than once, and before Execute.
func (s *Server) Interrupt(error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
	}
	for _, c := range conns {
		c.close()
	}
}

// Notify queues n for every subscribed connection of the user (uid on
// Unix, sid on Windows) and reports whether any took it. It assigns
// n.Notice when zero. It never waits: a subscriber whose queue is full is
// disconnected instead.
func (s *Server) Notify(uid int, sid string, n Notice) (delivered bool) {
	key := peerKey(uid, sid)
	return s.push(n, func(c *conn) bool { return c.key == key }) > 0
}

// Broadcast pushes n to every subscribed connection, whoever it belongs to:
// for news about the machine (disk encryption, USB), never about a file.
// It returns how many connections took it.
func (s *Server) Broadcast(n Notice) int {
	return s.push(n, func(*conn) bool { return true })
}

// push queues n on the subscribed connections that match, without ever
// waiting: a connection whose queue is full is dropped.
func (s *Server) push(n Notice, match func(*conn) bool) (delivered int) {
	if n.Notice == 0 {
		n.Notice = s.notice.Add(1)
	}
	b, err := json.Marshal(n)
	if err != nil {
		s.log.Error().Err(err).Str("kind", n.Kind).Msg("encoding notice")
		return 0
	}
	b = append(b, '\n')
	var full []*conn
	s.mu.Lock()
	for c := range s.conns {
		if c.out == nil || !match(c) {
			continue
		}
		select {
		case c.out <- b:
			delivered++
		default:
			full = append(full, c)
		}
	}
	s.mu.Unlock()
	for _, c := range full {
		s.log.Debug().Str("kind", n.Kind).Msg("dropping subscriber: queue full")
		c.close()
	}
	return delivered
}

// Subscribers returns how many subscribed connections the user (uid on
// Unix, sid on Windows) has.
func (s *Server) Subscribers(uid int, sid string) int {
	key := peerKey(uid, sid)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.out != nil && c.key == key {
			n++
		}
	}
	return n
}

// admit registers nc, or closes it at once when the server is full or
// closed.
func (s *Server) admit(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.lim.conns {
		nc.Close()
		s.log.Debug().Int("conns", len(s.conns)).Msg("connection refused: server full")
		return nil
	}
	c := &conn{nc: nc}
	s.conns[c] = struct{}{}
	return c
}

// drop closes c and forgets it.
func (s *Server) drop(c *conn) {
	c.close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// serve is a connection's life: the peer from the kernel, then its requests.
func (s *Server) serve(c *conn) {
	defer s.drop(c)
	p, err := peerOf(c.nc)
	if err != nil {
		s.log.Debug().Err(err).Msg("connection refused: peer unknown")
		return
	}
	s.serveAs(c, p)
}

// serveAs answers c's requests as p's until c ends or misbehaves.
func (s *Server) serveAs(c *conn, p Peer) {
	log := s.log.With().Int("uid", p.UID).Str("sid", p.SID).Str("user", p.User).Logger()
	if !s.identify(c, p) {
		log.Debug().Msg("connection refused: too many from this user")
		return
	}
	br := bufio.NewReader(c.nc)
	bad := 0
	for {
		line, err := s.readRequest(c.nc, br)
		if err != nil {
			log.Debug().Err(err).Msg("connection ended")
			return
		}
		var req Request
		if err := json.Unmarshal(line, &req); err != nil {
			bad++
			if s.reply(c, Response{Error: "malformed request: " + err.Error()}) != nil || bad >= s.lim.badLines {
				log.Debug().Int("malformed", bad).Msg("connection closed")
				return
			}
			continue
		}
		log.Debug().Str("op", req.Op).Msg("request")
		if req.Op == OpSubscribe {
			s.subscribe(c, req.ID, br)
			return
		}
		if s.reply(c, s.answer(log, p, req)) != nil {
			return
		}
	}
}

// identify records c as p's, unless p already has as many connections as
// one user may.
func (s *Server) identify(c *conn, p Peer) bool {
	key := peerKey(p.UID, p.SID)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for o := range s.conns {
		if o.key == key {
			n++
		}
	}
	if n >= s.lim.perPeer {
		return false
	}
	c.key = key
	return true
}

// readRequest returns the next request line. A client may idle between
// requests, but once a request has begun it must arrive whole, and soon.
func (s *Server) readRequest(nc net.Conn, br *bufio.Reader) ([]byte, error) {
	// Deadlines are absolute wall-clock times checked by the runtime's
	// poller, so they come from time.Now, not an injected clock.
	if err := nc.SetReadDeadline(time.Now().Add(s.lim.idle)); err != nil {
		return nil, err
	}
	if _, err := br.Peek(1); err != nil {
		return nil, err
	}
	if err := nc.SetReadDeadline(time.Now().Add(s.lim.read)); err != nil {
		return nil, err
	}
	return readLine(br, MaxMessage)
}

// answer runs one request. A panicking Handler fails the request, not the
// agent.
func (s *Server) answer(log zerolog.Logger, p Peer, req Request) (resp Response) {
	defer func() {
		if r := recover(); r != nil {
			log.Error().Str("op", req.Op).Interface("panic", r).Bytes("stack", debug.Stack()).Msg("handler panicked")
			resp = Response{ID: req.ID, Error: "internal error"}
		}
	}()
	resp = Response{ID: req.ID, OK: true}
	var err error
	switch req.Op {
	case OpStatus:
		st := s.h.Status(p)
		resp.Status = &st
	case OpDeleteNow, OpExtend, OpShown:
		resp.Pending, err = s.onFile(p, req)
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		resp = Response{ID: req.ID, Error: err.Error()}
		for code, e := range codeErrs {
			if errors.Is(err, e) {
				resp.Code = code
			}
		}
	}
	return resp
}

// onFile runs a request about one of the peer's files.
func (s *Server) onFile(p Peer, req Request) (*Pending, error) {
	// A relative path would be resolved against the agent's working
	// folder, which no client means.
	if !filepath.IsAbs(req.Path) {
		return nil, fmt.Errorf("%s: path must be absolute, got %q", req.Op, req.Path)
	}
	var pd Pending
	var err error
	switch req.Op {
	case OpShown:
		return nil, s.h.Shown(p, req.Notice, req.Path)
	case OpDeleteNow:
		pd, err = s.h.DeleteNow(p, req.Path)
	default:
		pd, err = s.h.Extend(p, req.Path)
	}
	return &pd, err
}

// subscribe turns c into a push stream of its peer's notices.
func (s *Server) subscribe(c *conn, id uint64, br *bufio.Reader) {
	s.mu.Lock()
	c.out = make(chan []byte, s.lim.queue)
	s.mu.Unlock()
	if s.reply(c, Response{ID: id, OK: true}) != nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	s.spawn("ipc push", func() {
		defer c.close()
		for {
			select {
			case <-done:
				return
			case b := <-c.out:
				if s.write(c, b) != nil {
					return
				}
			}
		}
	})
	// A subscribed connection only listens: anything it sends, or its end,
	// closes it. It may stay open as long as its user is logged in.
	if c.nc.SetReadDeadline(time.Time{}) == nil {
		_, _ = br.ReadByte()
	}
}

func (s *Server) reply(c *conn, r Response) error {
	b, err := json.Marshal(r)
	if err != nil {
		// A Handler's value that JSON cannot hold, such as a year past 9999.
		// This one holds strings only and cannot fail.
		b, _ = json.Marshal(Response{ID: r.ID, Error: "encoding response: " + err.Error()})
	}
	return s.write(c, append(b, '\n'))
}

// write sends b, or fails once the client has not taken it for the write
// timeout.
func (s *Server) write(c *conn, b []byte) error {
	if err := c.nc.SetWriteDeadline(time.Now().Add(s.lim.write)); err != nil {
		return err
	}
	_, err := c.nc.Write(b)
	return err
}

// spawn runs f in a goroutine that Execute waits for, recovering and
// logging a panic so that no client can take the agent down.
func (s *Server) spawn(name string, f func()) {
	s.wg.Add(1)
	routine.Go(s.log, name, func() {
		defer s.wg.Done()
		f()
	})
}
