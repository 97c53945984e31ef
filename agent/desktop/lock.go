package desktop

import "errors"

// ErrAlreadyRunning reports that another helper holds the session's lock:
// the caller should say so and exit 0.
var ErrAlreadyRunning = errors.New("a dataward tray helper is already running in this session")

// Each OS file defines defaultLock() string, the lock's name when
// Options.Lock is empty, and acquireLock(name string) (release func(),
// err error), which fails with ErrAlreadyRunning while another process
// holds it: lock_unix.go (flock on a file), lock_windows.go (a named
// mutex), lock_other.go (an error wrapping errors.ErrUnsupported).
