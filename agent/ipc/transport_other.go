//go:build !linux && !darwin && !windows

package ipc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
)

var errNoTransport = fmt.Errorf("local API on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func listen(string) (net.Listener, error)            { return nil, errNoTransport }
func peerOf(net.Conn) (Peer, error)                  { return Peer{}, errNoTransport }
func dial(context.Context, string) (net.Conn, error) { return nil, errNoTransport }
