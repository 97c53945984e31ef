package desktop

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

// defaultLock is a mutex in the session's Local\ namespace: one helper
// per logon session, whoever the user.
func defaultLock() string { return `Local\dataward-tray` }

// acquireLock creates the named mutex; if it exists, another helper of
// this session holds it. Windows destroys it when the last handle goes,
// at the latest when the process ends.
func acquireLock(name string) (func(), error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, fmt.Errorf("lock name %q: %w", name, err)
	}
	h, err := windows.CreateMutex(nil, false, p)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		_ = windows.CloseHandle(h)
		return nil, ErrAlreadyRunning
	}
	if err != nil {
		return nil, fmt.Errorf("creating the mutex %s: %w", name, err)
	}
	return func() { _ = windows.CloseHandle(h) }, nil
}
