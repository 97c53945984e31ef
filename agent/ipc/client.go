package ipc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"dataward/agent/routine"
)

// Client is the desktop helper's and `dataward status`'s end of the local
// API. Its methods may be called from several goroutines; it sends one
// request at a time.
type Client struct {
	endpoint string

	mu   sync.Mutex // one request at a time; guards the fields below it
	br   *bufio.Reader
	id   uint64
	last time.Time // end of the last exchange

	smu    sync.Mutex // guards what Close touches
	nc     net.Conn   // nil after a failure: the next request dials again
	subs   map[net.Conn]struct{}
	done   chan struct{} // closed by Close
	closed bool
}

// remoteError is an error the agent answered with; it is the sentinel its
// code names, if any.
type remoteError struct{ msg, code string }

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return codeErrs[e.code] }

// Dial connects to the agent at endpoint. Its error wraps ErrNotRunning
// when nothing serves endpoint.
func Dial(ctx context.Context, endpoint string) (*Client, error) {
	nc, err := dial(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return &Client{endpoint: endpoint, nc: nc, br: bufio.NewReader(nc), last: time.Now(),
		subs: map[net.Conn]struct{}{}, done: make(chan struct{})}, nil
}

// Status returns the agent's posture and the caller's pending deletions.
func (c *Client) Status(ctx context.Context) (Status, error) {
	resp, err := c.call(ctx, Request{Op: OpStatus})
	if err != nil {
		return Status{}, err
	}
	if resp.Status == nil {
		return Status{}, errors.New("status: the agent's answer has no status")
	}
	return *resp.Status, nil
}

// DeleteNow asks the agent to delete one of the caller's flagged files now.
func (c *Client) DeleteNow(ctx context.Context, path string) (Pending, error) {
	return c.onFile(ctx, Request{Op: OpDeleteNow, Path: path})
}

// Extend asks the agent to keep one of the caller's flagged files for
// another extension.
func (c *Client) Extend(ctx context.Context, path string) (Pending, error) {
	return c.onFile(ctx, Request{Op: OpExtend, Path: path})
}

// Shown tells the agent that the warning Notice notice about path was
// shown to the user.
func (c *Client) Shown(ctx context.Context, notice uint64, path string) error {
	_, err := c.call(ctx, Request{Op: OpShown, Notice: notice, Path: path})
	return err
}

func (c *Client) onFile(ctx context.Context, req Request) (Pending, error) {
	resp, err := c.call(ctx, req)
	if err != nil {
		return Pending{}, err
	}
	if resp.Pending == nil {
		return Pending{}, fmt.Errorf("%s: the agent's answer has no file", req.Op)
	}
	return *resp.Pending, nil
}

// Subscribe opens a connection of its own on which the agent pushes the
// caller's notices. The channel is closed when that connection ends: when
// ctx is done, on Close, when the agent stops, or when it drops a
// subscriber that reads too slowly. A panic while reading is logged to
// zerolog.Ctx(ctx).
func (c *Client) Subscribe(ctx context.Context) (<-chan Notice, error) {
	nc, err := dial(ctx, c.endpoint)
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	c.smu.Lock()
	if c.closed {
		c.smu.Unlock()
		nc.Close()
		return nil, fmt.Errorf("subscribe: %w", net.ErrClosed)
	}
	c.subs[nc] = struct{}{}
	c.smu.Unlock()
	br := bufio.NewReader(nc)
	if _, err := exchange(ctx, nc, br, Request{ID: 1, Op: OpSubscribe}); err != nil {
		c.forget(nc)
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	ch := make(chan Notice)
	routine.Go(*zerolog.Ctx(ctx), "ipc subscription", func() {
		defer close(ch)
		defer stop()
		defer c.forget(nc)
		for {
			line, err := readLine(br, MaxResponse)
			if err != nil {
				return
			}
			var n Notice
			if json.Unmarshal(line, &n) != nil {
				return
			}
			select {
			case ch <- n:
			case <-ctx.Done():
				return
			case <-c.done:
				return
			}
		}
	})
	return ch, nil
}

// Close closes the client's connections, ending its subscriptions.
func (c *Client) Close() error {
	c.smu.Lock()
	defer c.smu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	close(c.done)
	for nc := range c.subs {
		nc.Close()
	}
	if c.nc == nil {
		return nil
	}
	if err := c.nc.Close(); err != nil {
		return fmt.Errorf("closing the connection to the agent: %w", err)
	}
	return nil
}

func (c *Client) forget(nc net.Conn) {
	c.smu.Lock()
	delete(c.subs, nc)
	c.smu.Unlock()
	nc.Close()
}

// errUnsent marks a request that never reached the agent whole: sending it
// again cannot do it twice.
var errUnsent = errors.New("request not sent")

// call sends one request and returns the agent's answer; an answer that
// is a failure is returned as an error.
func (c *Client) call(ctx context.Context, req Request) (Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Response{}, fmt.Errorf("%s: %w", req.Op, err)
	}
	c.id++
	req.ID = c.id
	for {
		nc, fresh, err := c.conn(ctx)
		if err != nil {
			return Response{}, fmt.Errorf("%s: %w", req.Op, err)
		}
		resp, err := exchange(ctx, nc, c.br, req)
		var remote *remoteError
		if err == nil || errors.As(err, &remote) {
			c.last = time.Now()
			if err != nil {
				return resp, fmt.Errorf("%s: %w", req.Op, err)
			}
			return resp, nil
		}
		// The connection's state is unknown: a late answer could be read
		// as the next request's.
		c.smu.Lock()
		if c.nc == nc {
			c.nc = nil
		}
		c.smu.Unlock()
		nc.Close()
		// An agent that restarted, or closed an idle connection, fails the
		// write on the old one; the request is then sent once more.
		if fresh || !errors.Is(err, errUnsent) || ctx.Err() != nil {
			return Response{}, fmt.Errorf("%s: %w", req.Op, err)
		}
	}
}

// conn returns the connection for the next request and whether it is new:
// the open one, or a new one when the last failed or has been idle so long
// that the agent may be closing it (IdleTimeout: real time, as the
// agent's deadline is).
func (c *Client) conn(ctx context.Context) (net.Conn, bool, error) {
	c.smu.Lock()
	closed, nc := c.closed, c.nc
	c.smu.Unlock()
	if closed {
		return nil, false, net.ErrClosed
	}
	if nc != nil && time.Since(c.last) < IdleTimeout/2 {
		return nc, false, nil
	}
	if nc != nil {
		nc.Close()
	}
	nc, err := dial(ctx, c.endpoint)
	if err != nil {
		return nil, false, err
	}
	c.smu.Lock()
	defer c.smu.Unlock()
	if c.closed {
		nc.Close()
		return nil, false, net.ErrClosed
	}
	c.nc, c.br = nc, bufio.NewReader(nc)
	return nc, true, nil
}

// exchange sends req on nc and reads its answer, within ctx. A failure
// answer is a *remoteError.
func exchange(ctx context.Context, nc net.Conn, br *bufio.Reader, req Request) (Response, error) {
	dl, _ := ctx.Deadline() // zero, no deadline, when ctx has none
	if err := nc.SetDeadline(dl); err != nil {
		return Response{}, err
	}
	// A deadline in the past fails the I/O in progress: cancellation.
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	resp, err := roundTrip(nc, br, req)
	if !stop() && err == nil {
		// Cancelled as the answer came: the deadline may still move, so
		// the connection must not carry another request.
		err = ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// Every deadline on nc is ctx's: say so, not just "i/o timeout".
		cause := ctx.Err()
		if cause == nil {
			cause = context.DeadlineExceeded // the poller saw it before ctx's timer
		}
		err = fmt.Errorf("%w: %w", cause, err)
	}
	if err != nil {
		return Response{}, err
	}
	if !resp.OK {
		return resp, &remoteError{msg: resp.Error, code: resp.Code}
	}
	return resp, nil
}

func roundTrip(nc net.Conn, br *bufio.Reader, req Request) (Response, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return Response{}, fmt.Errorf("encoding request: %w", err)
	}
	// A failed write never sent the final newline, so the agent has no
	// whole request to act on.
	if _, err := nc.Write(append(b, '\n')); err != nil {
		return Response{}, fmt.Errorf("%w: %w", errUnsent, err)
	}
	line, err := readLine(br, MaxResponse)
	if err != nil {
		return Response{}, fmt.Errorf("reading answer: %w", err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		return Response{}, fmt.Errorf("decoding answer: %w", err)
	}
	if resp.ID != req.ID {
		return Response{}, fmt.Errorf("answer to request %d, not %d", resp.ID, req.ID)
	}
	return resp, nil
}
