package ipc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"runtime"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// listen creates the pipe's first instance with FILE_CREATE (go-winio's
// pipe.go), so it fails if the name exists: a process that squats the
// name before the agent starts makes the agent refuse to start rather than
// share it. Remote clients are rejected (FILE_PIPE_REJECT_REMOTE_CLIENTS).
func listen(endpoint string) (net.Listener, error) {
	ln, err := winio.ListenPipe(endpoint, &winio.PipeConfig{
		SecurityDescriptor: pipeSDDL,
		InputBufferSize:    pipeBuffer,
		OutputBufferSize:   pipeBuffer,
	})
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) || errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s: %w: %w", endpoint, ErrInUse, err)
	}
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", endpoint, err)
	}
	return ln, nil
}

// dial asks for SecurityIdentification: the server can read the client's
// token but not act as the client. go-winio's DialPipeContext asks for
// SecurityAnonymous, which leaves the server nothing to identify.
func dial(ctx context.Context, endpoint string) (net.Conn, error) {
	c, err := winio.DialPipeAccessImpLevel(ctx, endpoint, pipeClientAccess, winio.PipeImpLevelIdentification)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to the agent: %w", err)
	}
	return c, nil
}

var (
	modadvapi32                    = windows.NewLazySystemDLL("advapi32.dll")
	procImpersonateNamedPipeClient = modadvapi32.NewProc("ImpersonateNamedPipeClient")
)

func peerOf(c net.Conn) (Peer, error) {
	fc, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return Peer{}, fmt.Errorf("peer of a %T: not a pipe", c)
	}
	tok, err := clientToken(windows.Handle(fc.Fd()))
	if err != nil {
		return Peer{}, fmt.Errorf("pipe client's token: %w", err)
	}
	defer tok.Close()
	tu, err := tok.GetTokenUser()
	if err != nil {
		return Peer{}, fmt.Errorf("pipe client's user: %w", err)
	}
	sid := tu.User.Sid
	p := Peer{UID: -1, SID: sid.String(), User: sid.String(), Admin: sid.IsWellKnown(windows.WinLocalSystemSid)}
	if !p.Admin {
		admins, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
		if err != nil {
			return Peer{}, fmt.Errorf("administrators SID: %w", err)
		}
		// CheckTokenMembership counts only enabled groups, so an admin's
		// unelevated (UAC-filtered) token, where Administrators is
		// deny-only, is not Admin.
		if p.Admin, err = tok.IsMember(admins); err != nil {
			return Peer{}, fmt.Errorf("checking administrators membership: %w", err)
		}
	}
	if account, domain, _, err := sid.LookupAccount(""); err == nil {
		p.User = domain + `\` + account
	}
	return p, nil
}

// clientToken returns the pipe client's token. Impersonation belongs to
// the OS thread, so the goroutine stays on it until RevertToSelf succeeds;
// if that fails the thread is left locked, and the runtime ends it with
// the goroutine instead of running other goroutines as the client.
func clientToken(h windows.Handle) (tok windows.Token, err error) {
	runtime.LockOSThread()
	// The thread is not impersonating if this fails, and must then serve
	// nothing (ImpersonateNamedPipeClient, learn.microsoft.com).
	if r, _, callErr := procImpersonateNamedPipeClient.Call(uintptr(h)); r == 0 {
		runtime.UnlockOSThread()
		return 0, fmt.Errorf("ImpersonateNamedPipeClient: %w", callErr)
	}
	defer func() {
		if revErr := windows.RevertToSelf(); revErr != nil {
			if tok != 0 {
				tok.Close()
			}
			tok, err = 0, errors.Join(err, fmt.Errorf("RevertToSelf: %w", revErr))
			return
		}
		runtime.UnlockOSThread()
	}()
	// openAsSelf: an identification-level token cannot open objects itself.
	if err := windows.OpenThreadToken(windows.CurrentThread(), windows.TOKEN_QUERY, true, &tok); err != nil {
		return 0, fmt.Errorf("OpenThreadToken: %w", err)
	}
	return tok, nil
}
