package ipc

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerOf asks SO_PEERCRED: the effective uid of the process that called
// connect(2), recorded by the kernel then (unix(7)).
func peerOf(c net.Conn) (Peer, error) {
	rc, err := rawConn(c)
	if err != nil {
		return Peer{}, err
	}
	var cred *unix.Ucred
	var credErr error
	if err := rc.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	if credErr != nil {
		return Peer{}, fmt.Errorf("SO_PEERCRED: %w", credErr)
	}
	return unixPeer(int(cred.Uid)), nil
}
