package volumes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"dataward/clock"

	"golang.org/x/sys/unix"
)

type osState struct {
	efd    int  // eventfd that wakes poll
	efdSet bool // efd is open (fd 0 is a valid descriptor in a daemon)
}

// run polls mountinfo for POLLPRI: "Since Linux 2.6.15, /proc/[pid]/mounts
// is pollable: after opening the file for reading, a change in this file
// (i.e., a filesystem mount or unmount) causes select(2) to mark the file
// descriptor as having an exceptional condition, and poll(2) and epoll_wait(2)
// mark the file as having a priority event (POLLPRI)" (proc(5)); the same
// holds for mountinfo (fs/proc_namespace.c mounts_poll, which also sets
// POLLERR). The kernel reports each change once per open file, so the
// table is re-read after every wake. An eventfd wakes poll for Interrupt
// and for the Fallback timer.
func (w *Watcher) run() error {
	if w.stopped() {
		return nil
	}
	// Not os.Open: mountinfo is pollable, so the runtime would add it to
	// its own epoll set, and every epoll_wait there calls mounts_poll,
	// which consumes the change (it stores the namespace's event count per
	// open file), leaving our poll(2) asleep.
	path := w.mountinfoPath()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening mount table: %w", &os.PathError{Op: "open", Path: path, Err: err})
	}
	defer unix.Close(fd)
	f := fdReader(fd)
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return fmt.Errorf("creating eventfd: %w", os.NewSyscallError("eventfd", err))
	}
	w.mu.Lock()
	w.efd, w.efdSet = efd, true
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		unix.Close(w.efd)
		w.efdSet = false
		w.mu.Unlock()
	}()
	// An Interrupt before efd was set could not wake poll; it closed done
	// first, so this sees it.
	if w.stopped() {
		return nil
	}

	var timer clock.Timer
	arm := func() {
		timer = w.o.Clock.AfterFunc(w.o.Fallback, func() {
			w.mu.Lock()
			w.rescan = true
			w.mu.Unlock()
			w.wake()
		})
	}
	arm()
	defer func() { timer.Stop() }()

	ms, err := readTable(f)
	if err != nil {
		return err
	}
	if !w.update(ms) {
		return nil
	}
	fds := []unix.PollFd{
		{Fd: int32(fd), Events: unix.POLLPRI},
		{Fd: int32(efd), Events: unix.POLLIN},
	}
	for {
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return fmt.Errorf("polling mount table: %w", os.NewSyscallError("poll", err))
		}
		if fds[1].Revents&unix.POLLIN != 0 {
			var buf [8]byte
			_, _ = unix.Read(efd, buf[:]) // reset the counter
		}
		if w.stopped() {
			return nil
		}
		changed := fds[0].Revents&(unix.POLLPRI|unix.POLLERR) != 0
		w.mu.Lock()
		fell := w.rescan
		w.rescan = false
		w.mu.Unlock()
		if fell {
			arm()
		}
		if !changed && !fell {
			continue
		}
		ms, err := readTable(f)
		if err != nil {
			// A table that changed while read can come out torn; the next
			// change or the Fallback timer reads it again.
			w.log.Warn().Err(err).Msg("reading mount table")
			continue
		}
		if !w.update(ms) {
			return nil
		}
	}
}

// fdReader reads a file descriptor that the runtime does not poll.
type fdReader int

func (f fdReader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(f), p)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return 0, os.NewSyscallError("read", err)
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// readTable reads f again from its start.
func readTable(f fdReader) ([]Mount, error) {
	if _, err := unix.Seek(int(f), 0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewinding mount table: %w", os.NewSyscallError("lseek", err))
	}
	ms, err := ParseMountinfo(f)
	if err == nil && len(ms) == 0 {
		// Every mount namespace has a root; an empty table is a torn read
		// and must not look like every volume unmounted.
		return nil, fmt.Errorf("reading mount table: %w: no mounts", ErrMalformed)
	}
	return ms, err
}

func (w *Watcher) wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.efdSet {
		return
	}
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	_, _ = unix.Write(w.efd, one[:])
}
