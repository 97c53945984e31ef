//go:build linux || darwin

package ipc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func listen(endpoint string) (net.Listener, error) {
	if err := socketDir(filepath.Dir(endpoint)); err != nil {
		return nil, err
	}
	if err := removeStale(endpoint); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", endpoint)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", endpoint, err)
	}
	// connect(2) on a Unix socket needs write permission on its file (unix(7)).
	if err := os.Chmod(endpoint, 0o666); err != nil {
		ln.Close()
		return nil, fmt.Errorf("opening %s to every user: %w", endpoint, err)
	}
	return ln, nil
}

// socketDir creates the socket's folder if missing, readable by all, and
// refuses one that is not ours or that others may write to: whoever can
// write there can replace the socket and pose as the agent to every helper.
func socketDir(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating socket folder: %w", err)
		}
		// The umask may have narrowed the mode; every user must reach the socket.
		if err := os.Chmod(dir, 0o755); err != nil {
			return fmt.Errorf("opening socket folder: %w", err)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("checking socket folder: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("socket folder %s is not a folder", dir)
	case !ok || (int(st.Uid) != os.Geteuid() && st.Uid != 0):
		return fmt.Errorf("socket folder %s is owned by another user", dir)
	// Group write is allowed: macOS's /var/run is root:daemon 0775.
	case fi.Mode().Perm()&0o002 != 0:
		return fmt.Errorf("socket folder %s is writable by every user (mode %v)", dir, fi.Mode().Perm())
	}
	return nil
}

// removeStale removes a socket file left by an agent that died, and only
// that: not a live server's socket, and nothing that is not a socket.
func removeStale(endpoint string) error {
	fi, err := os.Lstat(endpoint)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", endpoint, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket: refusing to replace it", endpoint)
	}
	c, err := net.DialTimeout("unix", endpoint, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("%s: %w", endpoint, ErrInUse)
	}
	// ECONNREFUSED is what connect(2) says on a socket file nobody listens on;
	// anything else (EAGAIN: a live server's backlog is full) is not stale.
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("checking whether %s is live: %w", endpoint, err)
	}
	if err := os.Remove(endpoint); err != nil {
		return fmt.Errorf("removing stale socket: %w", err)
	}
	return nil
}

func dial(ctx context.Context, endpoint string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", endpoint)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to the agent: %w", err)
	}
	return c, nil
}

// unixPeer is the Peer for a uid from the kernel. Only root is Admin:
// membership of admin (gid 80 on macOS) or sudo is not, since those
// users must still elevate to act on others' files.
func unixPeer(uid int) Peer {
	p := Peer{UID: uid, User: strconv.Itoa(uid), Admin: uid == 0}
	if u, err := user.LookupId(p.User); err == nil {
		p.User = u.Username
	}
	return p
}

// rawConn is the part of *net.UnixConn that peerOf needs.
func rawConn(c net.Conn) (syscall.RawConn, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return nil, fmt.Errorf("peer of a %T: not a Unix socket", c)
	}
	return uc.SyscallConn()
}
