package ipc

import (
	"bufio"
	"io"
	"testing"

	"github.com/Microsoft/go-winio"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
)

func TestPeerIsThisProcessUser(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	_, ep := startServer(t, h, defaultLimits)
	_, err := dialTest(t, ep).Status(t.Context())
	require.NoError(t, err)
	tok := windows.GetCurrentProcessToken()
	tu, err := tok.GetTokenUser()
	require.NoError(t, err)
	p := h.seen()[0]
	require.Equal(t, tu.User.Sid.String(), p.SID)
	require.Equal(t, -1, p.UID)
	require.Equal(t, tok.IsElevated(), p.Admin, "Administrators counts only when enabled (elevated)")
}

func TestListenRefusesExistingPipe(t *testing.T) {
	t.Parallel()
	_, ep := startServer(t, &fakeHandler{}, defaultLimits)
	_, err := Listen(ep, &fakeHandler{}, testLog(t))
	require.ErrorIs(t, err, ErrInUse)
}

// TestAnonymousClientNotServed: a client that dials at SecurityAnonymous
// leaves the server no identity to read, so it is not served.
func TestAnonymousClientNotServed(t *testing.T) {
	t.Parallel()
	h := &fakeHandler{}
	_, ep := startServer(t, h, defaultLimits)
	nc, err := winio.DialPipeAccessImpLevel(t.Context(), ep, pipeClientAccess, winio.PipeImpLevelAnonymous)
	require.NoError(t, err)
	defer nc.Close()
	_, _ = io.WriteString(nc, `{"id":1,"op":"status"}`+"\n")
	_, err = bufio.NewReader(nc).ReadBytes('\n')
	require.Error(t, err)
	require.Empty(t, h.seen())
}
