package ipc

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerOf asks LOCAL_PEERCRED, the getpeereid(3) equivalent: the effective
// uid of the process that called connect(2), recorded by the kernel then
// (unix(4)).
func peerOf(c net.Conn) (Peer, error) {
	rc, err := rawConn(c)
	if err != nil {
		return Peer{}, err
	}
	var cred *unix.Xucred
	var credErr error
	if err := rc.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	if credErr != nil {
		return Peer{}, fmt.Errorf("LOCAL_PEERCRED: %w", credErr)
	}
	return unixPeer(int(cred.Uid)), nil
}
