// Package audit writes dataward's audit log: one JSON object a line, a
// stable event name, never file contents, rotated by size.
package audit

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"gopkg.in/natefinch/lumberjack.v2"
)

// The events of INTERFACE.md.
const (
	AgentStarted     = "agent_started"
	AgentStopped     = "agent_stopped"
	Flagged          = "flagged"
	Warned           = "warned"
	Extended         = "extended"
	Deleted          = "deleted"
	DeleteSkipped    = "delete_skipped"
	VolumeMounted    = "volume_mounted"
	USBBlocked       = "usb_blocked"
	USBAllowed       = "usb_allowed"
	PersonalOnVolume = "personal_on_volume"
	EncryptionStatus = "encryption_status"
	ConfigRejected   = "config_rejected"
	// Beyond INTERFACE.md's list:
	Unflagged       = "unflagged"        // a flagged file changed and is no longer personal data
	DeleteRequested = "delete_requested" // a user asked for their flagged file to go now
	StateCorrupt    = "state_corrupt"    // the state file could not be read and was set aside
	USBBlockFailed  = "usb_block_failed" // a USB volume could not be made read-only: it is still writable
	VolumeScanned   = "volume_scanned"   // a removable volume's scan ended: how many files, what was found
	ConfigReloaded  = "config_reloaded"  // a changed config file was applied without a restart
)

// Rotation: an office PC keeps about 50 MB of history.
const (
	maxSizeMB  = 10
	maxBackups = 5
)

// Log is the audit log. It is safe for concurrent use.
type Log struct {
	zl  zerolog.Logger
	w   io.Closer
	now func() time.Time
}

// Open opens (creating it and its folder, readable by the owner only) the
// audit log at path, rotated by size. now stamps every event.
func Open(path string, now func() time.Time) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("creating audit log folder: %w", err)
	}
	// Create it ourselves so the mode is ours, not the umask's.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening audit log: %w", err)
	}
	f.Close()
	lj := &lumberjack.Logger{Filename: path, MaxSize: maxSizeMB, MaxBackups: maxBackups}
	return New(lj, now), nil
}

// New writes audit events to w; Close closes w if it is an io.Closer.
func New(w io.Writer, now func() time.Time) *Log {
	l := &Log{zl: zerolog.New(&lockedWriter{w: w}), now: now}
	if c, ok := w.(io.Closer); ok {
		l.w = c
	}
	return l
}

// Event starts an event; the caller adds fields and calls Send. Fields
// concerning a file are path, sha256, owner and records.
func (l *Log) Event(name string) *zerolog.Event {
	return l.zl.Log().Time("time", l.now()).Str("event", name)
}

// Close closes the underlying file.
func (l *Log) Close() error {
	if l.w == nil {
		return nil
	}
	return l.w.Close()
}

// lockedWriter makes one event one write, whatever goroutine sends it.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}
