package ipc

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// fakeHandler records the peers it is called as. Paths choose its answers.
type fakeHandler struct {
	mu    sync.Mutex
	peers []Peer
	block chan struct{} // Status waits for it to close, when set
}

func (h *fakeHandler) record(p Peer) {
	h.mu.Lock()
	h.peers = append(h.peers, p)
	h.mu.Unlock()
}

func (h *fakeHandler) seen() []Peer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Peer(nil), h.peers...)
}

func (h *fakeHandler) Status(p Peer) Status {
	h.record(p)
	if h.block != nil {
		<-h.block
	}
	return Status{Version: "test", Watching: []string{"/home/" + p.User + "/Downloads"}}
}

func (h *fakeHandler) DeleteNow(p Peer, path string) (Pending, error) {
	h.record(p)
	switch path {
	case "/home/other/x.csv":
		return Pending{}, fmt.Errorf("%s: %w", path, ErrNotYours)
	case "/missing.csv":
		return Pending{}, fmt.Errorf("%s: %w", path, ErrNotFound)
	case "/panic":
		panic("handler bug")
	case "/bad-time":
		return Pending{Path: path, Deadline: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
	}
	return Pending{Path: path, Owner: p.User}, nil
}

func (h *fakeHandler) Extend(p Peer, path string) (Pending, error) {
	h.record(p)
	if path == "/kept-twice.csv" {
		return Pending{Path: path}, fmt.Errorf("%s: %w", path, ErrNoExtensionsLeft)
	}
	return Pending{Path: path, Owner: p.User, Extensions: 1, ExtensionsLeft: 1}, nil
}

func (h *fakeHandler) Shown(p Peer, _ uint64, path string) error {
	h.record(p)
	if path == "/missing.csv" {
		return fmt.Errorf("%s: %w", path, ErrNotFound)
	}
	return nil
}

// testEndpoint is a fresh endpoint: a pipe name on Windows, a socket path
// elsewhere.
func testEndpoint(t *testing.T) string {
	if runtime.GOOS == "windows" {
		return `\\.\pipe\dataward-test-` + strconv.FormatUint(rand.Uint64(), 36)
	}
	return filepath.Join(t.TempDir(), "agent.sock")
}

func testLog(t *testing.T) zerolog.Logger {
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
}

// startServer serves h at a fresh endpoint until the test ends.
func startServer(t *testing.T, h Handler, lim limits) (*Server, string) {
	ep := testEndpoint(t)
	return startServerAt(t, h, lim, ep), ep
}

func startServerAt(t *testing.T, h Handler, lim limits, ep string) *Server {
	ln, err := listen(ep)
	require.NoError(t, err)
	s := newServer(h, testLog(t), lim)
	s.ln = ln
	errc := make(chan error, 1)
	go func() { errc <- s.Execute() }()
	t.Cleanup(func() {
		s.Interrupt(nil)
		require.NoError(t, <-errc)
	})
	return s
}

func dialTest(t *testing.T, ep string) *Client {
	c, err := Dial(t.Context(), ep)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// servePipe serves one end of a net.Pipe as p, as if the kernel had said
// so, and returns the other end.
func servePipe(t *testing.T, s *Server, p Peer) net.Conn {
	srv, cli := net.Pipe()
	c := s.admit(srv)
	require.NotNil(t, c)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer s.drop(c)
		s.serveAs(c, p)
	}()
	t.Cleanup(func() {
		cli.Close()
		<-done
	})
	return cli
}

// line sends one raw line on nc.
func line(t *testing.T, nc net.Conn, s string) {
	_, err := io.WriteString(nc, s+"\n")
	require.NoError(t, err)
}

// next reads one JSON line from br into v.
func next(t *testing.T, br *bufio.Reader, v any) {
	b, err := br.ReadBytes('\n')
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), "line %q", b)
}

// subscribeRaw subscribes nc and returns the reader its notices come on.
func subscribeRaw(t *testing.T, nc net.Conn) *bufio.Reader {
	br := bufio.NewReader(nc)
	line(t, nc, `{"id":9,"op":"subscribe"}`)
	var r Response
	next(t, br, &r)
	require.Equal(t, Response{ID: 9, OK: true}, r)
	return br
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	_, ep := startServer(t, h, defaultLimits)
	c := dialTest(t, ep)
	ctx := t.Context()

	st, err := c.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, "test", st.Version)

	pd, err := c.DeleteNow(ctx, "/home/me/a.csv")
	require.NoError(t, err)
	require.Equal(t, "/home/me/a.csv", pd.Path)
	pd, err = c.Extend(ctx, "/home/me/a.csv")
	require.NoError(t, err)
	require.Equal(t, 1, pd.ExtensionsLeft)
	require.NoError(t, c.Shown(ctx, 7, "/home/me/a.csv"))

	// Sentinels survive the wire, by code.
	_, err = c.DeleteNow(ctx, "/home/other/x.csv")
	require.ErrorIs(t, err, ErrNotYours)
	require.NotErrorIs(t, err, ErrNotFound)
	require.Contains(t, err.Error(), "/home/other/x.csv")
	_, err = c.Extend(ctx, "/kept-twice.csv")
	require.ErrorIs(t, err, ErrNoExtensionsLeft)
	require.ErrorIs(t, c.Shown(ctx, 7, "/missing.csv"), ErrNotFound)

	// Refused before the handler; a panic or an unencodable answer fails
	// one request, not the connection.
	calls := len(h.seen())
	_, err = c.DeleteNow(ctx, "relative.csv")
	require.ErrorContains(t, err, "path must be absolute")
	require.Len(t, h.seen(), calls)
	_, err = c.DeleteNow(ctx, "/panic")
	require.ErrorContains(t, err, "internal error")
	_, err = c.DeleteNow(ctx, "/bad-time")
	require.ErrorContains(t, err, "encoding response")
	_, err = c.Status(ctx)
	require.NoError(t, err)

	for _, p := range h.seen() {
		require.Equal(t, os.Geteuid(), p.UID, "the kernel's uid (-1 on Windows)")
		require.Equal(t, runtime.GOOS == "windows", p.SID != "")
		require.NotEmpty(t, p.User)
	}
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	t.Parallel()
	_, ep := startServer(t, &fakeHandler{}, defaultLimits)
	nc, err := dial(t.Context(), ep)
	require.NoError(t, err)
	defer nc.Close()
	_, err = io.WriteString(nc, `{"id":1,"op":"status"}`+"\n"+`{"id":2,"op":"format_disk"}`+"\n"+
		`{"id":3,"op":"delete_now","path":"/home/me/a.csv","uid":0}`+"\n")
	require.NoError(t, err)
	br := bufio.NewReader(nc)
	var r1, r2, r3 Response
	next(t, br, &r1)
	next(t, br, &r2)
	next(t, br, &r3)
	require.True(t, r1.OK)
	require.Equal(t, uint64(1), r1.ID)
	require.NotNil(t, r1.Status)
	require.Equal(t, Response{ID: 2, Error: `unknown op "format_disk"`}, r2)
	require.True(t, r3.OK)
	require.Equal(t, uint64(3), r3.ID)
}

func TestMalformedRequestsCloseTheConnection(t *testing.T) {
	t.Parallel()
	_, ep := startServer(t, &fakeHandler{}, defaultLimits)
	nc, err := dial(t.Context(), ep)
	require.NoError(t, err)
	defer nc.Close()
	for range 5 {
		_, _ = io.WriteString(nc, "{not json\n")
	}
	br := bufio.NewReader(nc)
	for range defaultLimits.badLines {
		var r Response
		next(t, br, &r)
		require.False(t, r.OK)
		require.Contains(t, r.Error, "malformed request")
	}
	_, err = br.ReadByte()
	require.Error(t, err, "closed after %d malformed lines", defaultLimits.badLines)
}

func TestNotifyOnlyThatUsersSubscribers(t *testing.T) {
	t.Parallel()
	s := newServer(&fakeHandler{}, testLog(t), defaultLimits)
	jane := Peer{UID: 1000, User: "jane"}
	tom := Peer{UID: 1001, User: "tom"}
	win := Peer{UID: -1, SID: "S-1-5-21-1-2-3-1000", User: `PC\jane`}
	jane1 := subscribeRaw(t, servePipe(t, s, jane))
	jane2 := subscribeRaw(t, servePipe(t, s, jane))
	tom1 := subscribeRaw(t, servePipe(t, s, tom))
	win1 := subscribeRaw(t, servePipe(t, s, win))
	janePlain := servePipe(t, s, jane) // not subscribed

	require.Equal(t, 2, s.Subscribers(1000, ""))
	require.Equal(t, 1, s.Subscribers(1001, ""))
	require.Equal(t, 1, s.Subscribers(-1, win.SID))
	require.Zero(t, s.Subscribers(1002, ""))

	require.True(t, s.Notify(1000, "", Notice{Kind: NoticeFlagged, Title: "jane 1"}))
	require.True(t, s.Notify(1001, "", Notice{Kind: NoticeFlagged, Title: "tom 1"}))
	require.True(t, s.Notify(-1, win.SID, Notice{Kind: NoticeFlagged, Title: "win 1", Notice: 42}))
	require.True(t, s.Notify(1000, "", Notice{Kind: NoticeDeleted, Title: "jane 2"}))
	require.False(t, s.Notify(1002, "", Notice{Kind: NoticeFlagged}))
	require.False(t, s.Notify(-1, "", Notice{Kind: NoticeFlagged}), "no Unix peer has uid -1")

	// Each subscriber's stream holds its user's notices, in order, and no
	// one else's.
	titles := func(br *bufio.Reader, n int) (ts []string, ids []uint64) {
		for range n {
			var nt Notice
			next(t, br, &nt)
			ts = append(ts, nt.Title)
			ids = append(ids, nt.Notice)
		}
		return ts, ids
	}
	t1, ids1 := titles(jane1, 2)
	t2, ids2 := titles(jane2, 2)
	require.Equal(t, []string{"jane 1", "jane 2"}, t1)
	require.Equal(t, t1, t2)
	require.Equal(t, ids1, ids2, "one notice, one ID")
	require.NotZero(t, ids1[0])
	require.NotEqual(t, ids1[0], ids1[1])
	tt, _ := titles(tom1, 1)
	require.Equal(t, []string{"tom 1"}, tt)
	tw, idw := titles(win1, 1)
	require.Equal(t, []string{"win 1"}, tw)
	require.Equal(t, []uint64{42}, idw, "a caller's ID is kept")

	// News about the machine goes to every subscriber.
	require.Equal(t, 4, s.Broadcast(Notice{Kind: NoticePosture, Title: "disk"}))
	for _, br := range []*bufio.Reader{jane1, jane2, tom1, win1} {
		got, _ := titles(br, 1)
		require.Equal(t, []string{"disk"}, got)
	}

	// The unsubscribed connection got nothing: its next line answers its
	// request.
	br := bufio.NewReader(janePlain)
	line(t, janePlain, `{"id":5,"op":"status"}`)
	var r Response
	next(t, br, &r)
	require.Equal(t, uint64(5), r.ID)
	require.True(t, r.OK)
}

func TestStuckSubscriberIsDroppedNotWaitedFor(t *testing.T) {
	t.Parallel()
	s := newServer(&fakeHandler{}, testLog(t), defaultLimits)
	subscribeRaw(t, servePipe(t, s, Peer{UID: 1000})) // then never reads
	start := time.Now()
	dropped := false
	for range 10 * defaultLimits.queue {
		if !s.Notify(1000, "", Notice{Kind: NoticePending}) {
			dropped = true
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d notices to a stuck subscriber took %v", 10*defaultLimits.queue, elapsed)
	require.Less(t, elapsed, 100*time.Millisecond)
	require.True(t, dropped)
	require.Eventually(t, func() bool { return s.Subscribers(1000, "") == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestPerPeerLimitCountsEachUser(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.perPeer = 2
	s := newServer(&fakeHandler{}, testLog(t), lim)
	jane := Peer{UID: 1000}
	ok := func(nc net.Conn) bool {
		if _, err := io.WriteString(nc, `{"id":1,"op":"status"}`+"\n"); err != nil {
			return false
		}
		_, err := bufio.NewReader(nc).ReadBytes('\n')
		return err == nil
	}
	require.True(t, ok(servePipe(t, s, jane)))
	require.True(t, ok(servePipe(t, s, jane)))
	require.False(t, ok(servePipe(t, s, jane)), "jane's third connection")
	require.True(t, ok(servePipe(t, s, Peer{UID: 1001})), "another user is not jane")
}

func TestConnectionLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		conns, perPeer int
	}{
		{"max conns", 3, 10},
		{"max per peer", 10, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim := defaultLimits
			lim.conns, lim.perPeer = tc.conns, tc.perPeer
			_, ep := startServer(t, &fakeHandler{}, lim)
			var cs []*Client
			for range 3 {
				c := dialTest(t, ep)
				_, err := c.Status(t.Context())
				require.NoError(t, err)
				cs = append(cs, c)
			}
			_, err := dialTest(t, ep).Status(t.Context())
			require.Error(t, err, "the fourth connection is closed at once")
			require.NoError(t, cs[0].Close())
			require.Eventually(t, func() bool {
				c, err := Dial(t.Context(), ep)
				if err != nil {
					return false
				}
				defer c.Close()
				_, err = c.Status(t.Context())
				return err == nil
			}, 5*time.Second, 10*time.Millisecond, "a freed slot is reused")
		})
	}
}

// TestHostileClientsDoNotStallOthers opens 60 connections that idle,
// stall mid-request, send an endless line or garbage, checks that a normal
// client is still answered at once, and that each hostile one is
// disconnected after its timeout.
func TestHostileClientsDoNotStallOthers(t *testing.T) {
	t.Parallel()
	lim := defaultLimits
	lim.read, lim.idle = 400*time.Millisecond, time.Second
	lim.perPeer = MaxConns // all of them are this test's user
	s, ep := startServer(t, &fakeHandler{}, lim)

	kinds := []struct {
		name  string
		start func(nc net.Conn)
		limit time.Duration // disconnected by then
	}{
		{"silent", func(net.Conn) {}, lim.idle},
		{"stalled mid-request", func(nc net.Conn) { _, _ = io.WriteString(nc, `{"id":1,"op":"sta`) }, lim.read},
		{"endless line", func(nc net.Conn) { _, _ = nc.Write(make([]byte, MaxMessage+1)) }, 0},
		{"garbage", func(nc net.Conn) {
			junk := make([]byte, 4096)
			for i := range junk {
				junk[i] = byte(rand.IntN(256))
			}
			_, _ = nc.Write(junk)
			_, _ = io.WriteString(nc, "\n\x00\n}{\n")
		}, 0},
	}
	type hostile struct {
		nc   net.Conn
		kind int
	}
	var hs []hostile
	for i := range 60 {
		nc, err := dial(t.Context(), ep)
		require.NoError(t, err)
		t.Cleanup(func() { nc.Close() })
		hs = append(hs, hostile{nc: nc, kind: i % len(kinds)})
	}
	require.Eventually(t, func() bool { return connCount(s) == 60 }, 5*time.Second, 5*time.Millisecond)
	var wg sync.WaitGroup
	closed := make([]time.Duration, len(hs))
	errs := make([]error, len(hs))
	for i, h := range hs {
		wg.Go(func() {
			start := time.Now()
			go kinds[h.kind].start(h.nc)
			_ = h.nc.SetReadDeadline(start.Add(kinds[h.kind].limit + 2*time.Second))
			_, err := io.Copy(io.Discard, h.nc)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				errs[i] = fmt.Errorf("%s: still open", kinds[h.kind].name)
			}
			closed[i] = time.Since(start)
		})
	}

	c := dialTest(t, ep)
	var worst time.Duration
	for range 20 {
		start := time.Now()
		_, err := c.Status(t.Context())
		require.NoError(t, err)
		worst = max(worst, time.Since(start))
	}
	t.Logf("worst of 20 status requests with 60 hostile connections open: %v", worst)
	require.Less(t, worst, 250*time.Millisecond)

	wg.Wait()
	slowest := make([]time.Duration, len(kinds))
	for i, h := range hs {
		require.NoError(t, errs[i])
		slowest[h.kind] = max(slowest[h.kind], closed[i])
	}
	for k, kind := range kinds {
		t.Logf("%s: disconnected after %v at most (timeout %v)", kind.name, slowest[k], kind.limit)
	}
	require.Eventually(t, func() bool { return connCount(s) == 1 }, 5*time.Second, 5*time.Millisecond)
}

func connCount(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func TestClientHonoursContext(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{block: make(chan struct{})}
	_, ep := startServer(t, h, defaultLimits)
	t.Cleanup(func() { close(h.block) })
	c := dialTest(t, ep)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Status(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), time.Second)

	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.Status(ctx)
	require.ErrorIs(t, err, context.Canceled)

	// The next request gets a connection of its own, not a late answer.
	pd, err := c.DeleteNow(t.Context(), "/home/me/a.csv")
	require.NoError(t, err)
	require.Equal(t, "/home/me/a.csv", pd.Path)
}

func TestSubscribe(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	s, ep := startServer(t, h, defaultLimits)
	c := dialTest(t, ep)
	_, err := c.Status(t.Context())
	require.NoError(t, err)
	me := h.seen()[0]

	ctx, cancel := context.WithCancel(t.Context())
	ch, err := c.Subscribe(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, s.Subscribers(me.UID, me.SID))
	require.True(t, s.Notify(me.UID, me.SID, Notice{Kind: NoticeWarning, Lead: time.Hour}))
	n := <-ch
	require.Equal(t, NoticeWarning, n.Kind)
	require.Equal(t, time.Hour, n.Lead)

	cancel()
	for range ch {
	}
	require.Eventually(t, func() bool { return s.Subscribers(me.UID, me.SID) == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestInterruptEndsEverything(t *testing.T) {
	t.Parallel()
	ep := testEndpoint(t)
	s, err := Listen(ep, &fakeHandler{}, testLog(t))
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() { errc <- s.Execute() }()
	c := dialTest(t, ep)
	_, err = c.Status(t.Context())
	require.NoError(t, err)
	ch, err := c.Subscribe(t.Context())
	require.NoError(t, err)

	s.Interrupt(nil)
	s.Interrupt(nil)
	require.NoError(t, <-errc)
	for range ch {
	}
	_, err = c.Status(t.Context())
	require.ErrorIs(t, err, ErrNotRunning, "the endpoint is gone")
}

func TestDialNothingListening(t *testing.T) {
	t.Parallel()
	_, err := Dial(t.Context(), testEndpoint(t))
	require.ErrorIs(t, err, ErrNotRunning)
}

func TestClosedClient(t *testing.T) {
	t.Parallel()
	_, ep := startServer(t, &fakeHandler{}, defaultLimits)
	c := dialTest(t, ep)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	_, err := c.Status(t.Context())
	require.ErrorIs(t, err, net.ErrClosed)
	_, err = c.Subscribe(t.Context())
	require.ErrorIs(t, err, net.ErrClosed)
}

func TestReadLineBounded(t *testing.T) {
	t.Parallel()
	x := strings.Repeat
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"a\nb\n", "a\n", nil},
		{x("x", 99) + "\n", x("x", 99) + "\n", nil},
		{x("x", 100) + "\n", "", errTooLong},
		{x("x", 100), "", errTooLong}, // judged before the newline or the end
		{x("x", 5000), "", errTooLong},
		{"no newline", "no newline", io.EOF},
	} {
		got, err := readLine(bufio.NewReaderSize(strings.NewReader(tc.in), 16), 100)
		if tc.err == nil {
			require.NoError(t, err, "%.20q", tc.in)
		}
		require.ErrorIs(t, err, tc.err, "%.20q", tc.in)
		require.Equal(t, tc.want, string(got), "%.20q", tc.in)
	}
}

// TestPipeSDDL checks the Windows pipe's security descriptor: SYSTEM and
// Administrators only have full access, and interactive users may read
// and write but not create instances of the pipe.
func TestPipeSDDL(t *testing.T) {
	t.Parallel()
	const (
		fileAppendData = 0x4 // FILE_CREATE_PIPE_INSTANCE for a pipe
		writeDAC       = 0x40000
		writeOwner     = 0x80000
		del            = 0x10000
	)
	require.True(t, strings.HasPrefix(pipeSDDL, "D:P("), "a protected DACL, nothing inherited")
	aces := regexp.MustCompile(`\(A;;([^;]+);;;([A-Z]{2})\)`).FindAllStringSubmatch(pipeSDDL, -1)
	require.Equal(t, pipeSDDL, "D:P"+aces[0][0]+aces[1][0]+aces[2][0], "allow ACEs only, no more")
	rights := map[string]string{}
	for _, a := range aces {
		rights[a[2]] = a[1]
	}
	require.Equal(t, map[string]string{"SY": "GA", "BA": "GA", "IU": "0x12019b"}, rights)
	iu, err := strconv.ParseUint(strings.TrimPrefix(rights["IU"], "0x"), 16, 32)
	require.NoError(t, err)
	require.Zero(t, iu&(fileAppendData|writeDAC|writeOwner|del))
	require.Equal(t, uint64(pipeClientAccess), iu&pipeClientAccess, "clients ask for no more than IU has")
}
