package ipc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// fuzzConn is a connection whose client sent data and then closed its
// side; it keeps what the server writes.
type fuzzConn struct {
	net.Conn // nil: the methods below are all the server uses
	r        *bytes.Reader
	out      bytes.Buffer
}

func (c *fuzzConn) Read(b []byte) (int, error)       { return c.r.Read(b) }
func (c *fuzzConn) Write(b []byte) (int, error)      { return c.out.Write(b) }
func (c *fuzzConn) Close() error                     { return nil }
func (c *fuzzConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(time.Time) error { return nil }

// safeHandler answers everything and never panics.
type safeHandler struct{}

func (safeHandler) Status(Peer) Status                          { return Status{Version: "fuzz"} }
func (safeHandler) DeleteNow(_ Peer, p string) (Pending, error) { return Pending{Path: p}, nil }
func (safeHandler) Extend(_ Peer, p string) (Pending, error)    { return Pending{}, ErrNoExtensionsLeft }
func (safeHandler) Shown(Peer, uint64, string) error            { return ErrNotFound }

// FuzzServe feeds arbitrary bytes to a connection's server: it must not
// panic (which the server would only log), and must write JSON lines only.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"op":"status"}` + "\n",
		`{"id":1,"op":"delete_now","path":"/a"}` + "\n" + `{"id":2,"op":"extend","path":"/a"}` + "\n",
		`{"id":1,"op":"shown","notice":3,"path":"/a"}` + "\n" + `{"id":2,"op":"nope"}` + "\n",
		`{"id":1,"op":"subscribe"}` + "\n" + "more",
		`{"id":1,"op":"delete_now","path":"relative"}` + "\n",
		"garbage\n\n\x00{}\n",
		`{"id":-1,"op":7}` + "\n" + `null` + "\n" + `[]` + "\n",
		strings.Repeat("a", MaxMessage+1),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var logs bytes.Buffer
		log := zerolog.New(zerolog.SyncWriter(&logs))
		s := newServer(safeHandler{}, log, defaultLimits)
		fc := &fuzzConn{r: bytes.NewReader(data)}
		c := s.admit(fc)
		require.NotNil(t, c)
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer s.drop(c)
			s.serveAs(c, Peer{UID: 1000, User: "fuzz"})
		}()
		s.Notify(1000, "", Notice{Kind: NoticePending})
		<-done
		s.wg.Wait() // the push goroutine, if it subscribed

		require.NotContains(t, logs.String(), "panic")
		sc := bufio.NewScanner(&fc.out)
		sc.Buffer(nil, MaxResponse)
		for sc.Scan() {
			require.True(t, json.Valid(sc.Bytes()), "%q", sc.Bytes())
		}
		require.NoError(t, sc.Err())
	})
}
