package ipc

// Each OS file provides the transport, as these unexported functions:
//
//	listen(endpoint string) (net.Listener, error)
//		serves endpoint so that every local user may connect (authorisation
//		is per request, by peer), and fails with ErrInUse rather than take
//		the endpoint over from a live server.
//	peerOf(c net.Conn) (Peer, error)
//		says who is on the other end of an accepted connection, from the
//		kernel; an error means the connection must not be served.
//	dial(ctx context.Context, endpoint string) (net.Conn, error)
//		connects; its error wraps ErrNotRunning when nothing serves endpoint.
//
// transport_linux.go and transport_darwin.go (peerOf; the rest shared in
// transport_unix.go), transport_windows.go, and transport_other.go, which
// fails with errors.ErrUnsupported.

// Windows named pipe security. They live here, not in the Windows file, so
// that the tests check them on every OS.
const (
	// pipeSDDL protects the pipe (P: no inherited ACEs): full access for
	// SYSTEM and Administrators; for interactive users (IU: network logons
	// and service accounts are not) 0x12019b, which is FILE_GENERIC_READ|
	// FILE_GENERIC_WRITE without FILE_APPEND_DATA. For a pipe that bit is
	// FILE_CREATE_PIPE_INSTANCE: with plain GW any user could add a server
	// instance of the agent's pipe and answer other users' helpers ("Named
	// Pipe Security and Access Rights", learn.microsoft.com).
	pipeSDDL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;IU)"
	// pipeClientAccess is what a client asks for: FILE_GENERIC_READ and
	// FILE_WRITE_DATA, within what pipeSDDL grants IU (GENERIC_WRITE would be refused).
	pipeClientAccess = 0x120089 | 0x2
	// pipeBuffer is the pipe's in and out buffer size: one whole message.
	pipeBuffer = MaxMessage
)
