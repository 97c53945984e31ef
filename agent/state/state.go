// Package state keeps the agent's memory of flagged files on disk, so that
// no deadline is lost to a restart, a crash or a reboot. The file is written
// atomically and readable by root only; a corrupt file is set aside and
// reported, never silently reset.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Version is the state file's schema version.
const Version = 1

// FileName is the state file inside the state folder.
const FileName = "state.json"

// File is one flagged file.
type File struct {
	Root  string `json:"root"` // the watched folder
	Rel   string `json:"rel"`  // the path below it
	Owner string `json:"owner"`
	UID   int    `json:"uid"`
	// The identity checked before deletion.
	Dev     uint64    `json:"dev"`
	Ino     uint64    `json:"ino"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	SHA256  string    `json:"sha256"`
	Records int       `json:"records"`
	Signals []string  `json:"signals"`
	// The retention record.
	FirstSeen   time.Time       `json:"first_seen"`
	Extensions  int             `json:"extensions"`
	Warned      []time.Duration `json:"warned"`
	FirstWarned time.Time       `json:"first_warned"`
	FirstSent   time.Time       `json:"first_sent"`
}

// Path is the file's full path.
func (f File) Path() string { return filepath.Join(f.Root, filepath.FromSlash(f.Rel)) }

type document struct {
	Version int    `json:"version"`
	Files   []File `json:"files"`
}

// ErrCorrupt reports a state file that could not be read; it was moved
// aside to the name in the error.
var ErrCorrupt = errors.New("state file corrupt")

// Load reads the state in dir. A missing file is an empty state. A corrupt
// one is renamed aside (state.json.corrupt-<time>) and Load returns an
// empty state with an error wrapping ErrCorrupt that names where it went.
func Load(dir string, now time.Time) ([]File, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state: %w", err)
	}
	var doc document
	err = json.Unmarshal(data, &doc)
	if err == nil && doc.Version != Version {
		err = fmt.Errorf("version %d, this dataward reads %d", doc.Version, Version)
	}
	if err != nil {
		aside := fmt.Sprintf("%s.corrupt-%s", path, now.UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(path, aside); rerr != nil {
			return nil, fmt.Errorf("%w (%v), and moving it aside failed: %w", ErrCorrupt, err, rerr)
		}
		return nil, fmt.Errorf("%w (%v): kept as %s", ErrCorrupt, err, aside)
	}
	return doc.Files, nil
}

// Save writes the state to dir atomically: a temporary file in the same
// folder, fsync, rename over the old one, fsync the folder. A crash at any
// point leaves either the old state or the new one.
func Save(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating state folder: %w", err)
	}
	if files == nil {
		files = []File{}
	}
	data, err := json.Marshal(document{Version: Version, Files: files})
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, FileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("replacing state: %w", err)
	}
	return syncDir(dir)
}
