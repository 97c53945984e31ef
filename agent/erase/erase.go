// Package erase deletes one flagged file beneath a user's folder, with a
// best-effort overwrite first, and never follows a link out of that folder
// or touches a file other than the one that was flagged.
//
// The agent runs as root or SYSTEM while the folder belongs to a user, who
// can swap a flagged file for a link to /etc/shadow, or to another user's
// file, at any moment. So every path component is opened relative to its
// parent's handle without following links. The file is checked on the open
// handle against its flagged Identity (device, inode, size, mtime, SHA-256),
// then renamed and deleted through that handle or its parent folder's
// handle. No path is resolved again from the root after the checks.
//
// The overwrite is best effort, not sanitization. SSDs, copy-on-write and
// journaled filesystems, snapshots and backups keep old copies (GNU shred's
// manual, "shred invocation"; NIST SP 800-88; platform notes §6.4).
// Report.Note says when the filesystem is known to defeat the overwrite.
package erase

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Every OS file defines:
//
//	pathSyntax pathRules
//		what separates rel's components and what a component may not contain.
//	openBeneath(root string, comps []string, write bool, want *Identity) (*handle, error)
//		opens the file comps names beneath root without following any link and
//		fills in every handle field. Where the OS can look at the name before
//		opening it, it refuses there what verify refuses. write opens for
//		writing and deleting, with no sharing where the OS has share modes.
//	(*handle).stat() (fileInfo, error)
//		what the OS says about the open file now.
//	(*handle).remove() error
//		renames the open file to a random name in its folder, then deletes it,
//		through handles only: never a name resolved again from the root.
//	(*handle).close() error
//		closes what the handle holds; safe to call twice.

// Identity pins the exact file that was flagged. Identify returns it and
// Erase deletes only a file that still matches it.
type Identity struct {
	Dev     uint64    // st_dev; Windows: the volume serial number
	Ino     uint64    // st_ino; Windows: the 64-bit file index
	Size    int64     // bytes
	ModTime time.Time // st_mtime; Windows: the last write time
	SHA256  string    // lower-case hex of the content
	Nlink   uint64    // always 1: Identify refuses a file with other links
}

// Report says what Erase did.
type Report struct {
	Bytes       int64  // the file's size
	Overwritten bool   // whether the random overwrite ran (up to the end of the last block; nothing for an empty file)
	Note        string // why the overwrite may not have reached the old data; "" if nothing is known
}

// The errors Erase and Identify wrap when a check refuses the file; Reason
// names them for the audit log. Nothing is changed on disk when one of them
// is returned.
var (
	// ErrOutsideRoot reports a rel that is empty, absolute or climbs out
	// with "..".
	ErrOutsideRoot = errors.New("path outside the root")
	// ErrReplaced reports a link (symbolic link, junction or other reparse
	// point) at the name or in a folder above it, or a different file than
	// the one flagged at the name.
	ErrReplaced = errors.New("replaced by a link or another file")
	// ErrNotRegular reports a folder, FIFO, socket or device at the name.
	ErrNotRegular = errors.New("not a regular file")
	// ErrHardlinked reports a file with more than one name: overwriting it
	// would wipe data still reachable under a name nobody flagged.
	ErrHardlinked = errors.New("more than one hard link")
	// ErrOtherDevice reports a file on another filesystem than the root, or
	// than the one it was flagged on (a mount point beneath the root).
	ErrOtherDevice = errors.New("on another device")
	// ErrChanged reports the flagged file with a different size, mtime or
	// SHA-256: the caller classifies it again.
	ErrChanged = errors.New("changed since it was identified")
)

var reasons = []struct {
	err  error
	name string
}{
	{ErrOutsideRoot, "outside_root"},
	{ErrReplaced, "replaced"},
	{ErrNotRegular, "not_regular"},
	{ErrHardlinked, "hardlinked"},
	{ErrOtherDevice, "other_device"},
	{ErrChanged, "changed"},
}

// Reason returns the audit reason for an error from Erase or Identify:
// "outside_root", "replaced", "not_regular", "hardlinked", "other_device",
// "changed", or "error" for anything else (I/O, permissions, a missing
// file). It returns "" for a nil error.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return "error"
}

// chunk is the unit of reads for hashing and of writes for the overwrite:
// memory stays bounded for a file of any size.
const chunk = 1 << 20

// Identify opens rel beneath root without following any link, requires a
// regular file with one link on the root's device, and returns its identity
// with the SHA-256 of its content, read in bounded memory.
func Identify(root, rel string) (Identity, error) {
	h, err := open(root, rel, false, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("identifying %q in %s: %w", rel, root, err)
	}
	defer h.close()
	sum, err := digest(h)
	if err != nil {
		return Identity{}, fmt.Errorf("identifying %q in %s: %w", rel, root, err)
	}
	i := h.info
	return Identity{Dev: i.dev, Ino: i.ino, Size: i.size, ModTime: i.mtime, SHA256: sum, Nlink: i.nlink}, nil
}

// Inspect opens the file at rel beneath root as Identify does, without
// following any link, and hands it to fn to read. When fn asks for it to be
// pinned, Inspect hashes the same open file and returns its full Identity;
// otherwise the Identity has no SHA256. Reading and pinning one open file
// leaves no gap in which the name could be swapped between the two.
func Inspect(root, rel string, fn func(f *os.File, size int64) (pin bool)) (Identity, error) {
	h, err := open(root, rel, false, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("inspecting %q in %s: %w", rel, root, err)
	}
	defer h.close()
	i := h.info
	id := Identity{Dev: i.dev, Ino: i.ino, Size: i.size, ModTime: i.mtime, Nlink: i.nlink}
	if !fn(h.f, i.size) {
		return id, nil
	}
	if id.SHA256, err = digest(h); err != nil {
		return Identity{}, fmt.Errorf("inspecting %q in %s: %w", rel, root, err)
	}
	return id, nil
}

// Erase deletes the file at rel beneath root if it is still exactly want.
// It overwrites the file once with random bytes (up to the end of its last
// block), syncs, truncates it, syncs, renames it to a random name in the
// same folder and deletes it. When a check fails it changes nothing and its
// error wraps one of the Err values. An error with a non-zero Report means
// the checks passed and the file may be overwritten or truncated, but was
// not deleted.
func Erase(root, rel string, want Identity) (Report, error) {
	if len(want.SHA256) != sha256.Size*2 {
		return Report{}, fmt.Errorf("erasing %q in %s: the identity has no SHA-256", rel, root)
	}
	h, err := open(root, rel, true, &want)
	if err != nil {
		return Report{}, fmt.Errorf("erasing %q in %s: %w", rel, root, err)
	}
	rep, err := erase(h, want)
	// On Windows the delete happens when the handle is closed.
	if cerr := h.close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing: %w", cerr)
	}
	if err != nil {
		return rep, fmt.Errorf("erasing %q in %s: %w", rel, root, err)
	}
	return rep, nil
}

func erase(h *handle, want Identity) (Report, error) {
	sum, err := digest(h)
	if err != nil {
		return Report{}, err
	}
	if sum != strings.ToLower(want.SHA256) {
		return Report{}, fmt.Errorf("%w: SHA-256 %s, flagged %s", ErrChanged, sum, want.SHA256)
	}
	rep := Report{Bytes: h.info.size, Note: h.note}
	if h.inPlace {
		if err := overwrite(h.f, h.info.alloc); err != nil {
			return rep, err
		}
		if err := h.f.Sync(); err != nil {
			return rep, fmt.Errorf("syncing the overwrite: %w", err)
		}
		rep.Overwritten = true
	}
	if err := h.f.Truncate(0); err != nil {
		return rep, fmt.Errorf("truncating: %w", err)
	}
	if err := h.f.Sync(); err != nil {
		return rep, fmt.Errorf("syncing the truncation: %w", err)
	}
	return rep, h.remove()
}

// open checks root and rel, opens the file and refuses it unless it passes
// verify.
func open(root, rel string, write bool, want *Identity) (*handle, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("root %q is not absolute", root)
	}
	comps, err := splitRel(rel, pathSyntax)
	if err != nil {
		return nil, err
	}
	h, err := openBeneath(root, comps, write, want)
	if err != nil {
		return nil, err
	}
	if err := verify(h.info, h.rootDev, want); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

// handle is a file opened beneath a root, with what the OS said about it.
type handle struct {
	f       *os.File
	info    fileInfo // of f, right after it was opened
	rootDev uint64
	// inPlace reports whether writes go to the file's current clusters as
	// far as the OS lets us know: false for NTFS compressed, sparse and
	// encrypted files, which are deleted without an overwrite.
	inPlace bool
	note    string // Report.Note
	osHandle
}

type kind int

const (
	kindOther kind = iota // FIFO, socket, device
	kindRegular
	kindLink // symbolic link, junction or other reparse point
	kindDir
)

// fileInfo is the part of stat(2) / GetFileInformationByHandle the checks
// use.
type fileInfo struct {
	kind            kind
	dev, ino, nlink uint64
	size            int64
	mtime           time.Time
	// alloc is how far the overwrite goes: the size rounded up to the
	// filesystem block (POSIX st_blksize) or the allocated clusters
	// (Windows AllocationSize), so the slack after the end is covered too,
	// as shred does without --exact.
	alloc int64
}

// verify refuses got unless it is a regular file with one link on the
// root's device and, when want is given, the same file as want with the
// same size and mtime. The content is compared later, from the open file.
func verify(got fileInfo, rootDev uint64, want *Identity) error {
	switch {
	case got.kind == kindLink:
		return fmt.Errorf("%w: a link is at the name", ErrReplaced)
	case got.kind == kindDir:
		return fmt.Errorf("%w: a folder", ErrNotRegular)
	case got.kind != kindRegular:
		return fmt.Errorf("%w: a FIFO, socket or device", ErrNotRegular)
	case got.dev != rootDev:
		return fmt.Errorf("%w: device %d, the root is on %d", ErrOtherDevice, got.dev, rootDev)
	case want != nil && got.dev != want.Dev:
		return fmt.Errorf("%w: device %d, flagged on %d", ErrOtherDevice, got.dev, want.Dev)
	case want != nil && got.ino != want.Ino:
		return fmt.Errorf("%w: inode %d, flagged %d", ErrReplaced, got.ino, want.Ino)
	case got.nlink != 1:
		return fmt.Errorf("%w: %d links", ErrHardlinked, got.nlink)
	case want != nil && (got.size != want.Size || !got.mtime.Equal(want.ModTime)):
		return fmt.Errorf("%w: size %d, mtime %s; flagged %d, %s",
			ErrChanged, got.size, got.mtime, want.Size, want.ModTime)
	}
	return nil
}

// digest returns the hex SHA-256 of h's content, read from the open handle,
// and ErrChanged if its size or mtime moved meanwhile (a writer was busy).
func digest(h *handle) (string, error) {
	sum := sha256.New()
	// SectionReader reads with pread, whatever the file offset is.
	if _, err := io.CopyBuffer(sum, io.NewSectionReader(h.f, 0, math.MaxInt64), make([]byte, chunk)); err != nil {
		return "", fmt.Errorf("hashing: %w", err)
	}
	now, err := h.stat()
	if err != nil {
		return "", err
	}
	if now.size != h.info.size || !now.mtime.Equal(h.info.mtime) {
		return "", fmt.Errorf("%w: written to while it was read", ErrChanged)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// overwrite writes n bytes from crypto/rand over f from offset 0.
func overwrite(f *os.File, n int64) error {
	buf := make([]byte, min(n, chunk))
	for off := int64(0); off < n; {
		b := buf[:min(int64(len(buf)), n-off)]
		rand.Read(b) // never fails since Go 1.24
		if _, err := f.WriteAt(b, off); err != nil {
			return fmt.Errorf("overwriting at offset %d: %w", off, err)
		}
		off += int64(len(b))
	}
	return nil
}

// roundUp rounds n up to a multiple of block (n itself if block <= 0).
func roundUp(n, block int64) int64 {
	if block <= 0 {
		return n
	}
	return (n + block - 1) / block * block
}

// pathRules is an OS's syntax for rel.
type pathRules struct {
	seps      string // bytes that separate components
	forbidden string // bytes no component may contain
}

// splitRel splits rel into its components, dropping empty and "."
// components. It refuses with ErrOutsideRoot an empty or absolute rel, a
// ".." component, a NUL byte, or a component with a forbidden byte (on
// Windows ':' names a drive, "C:x", or an NTFS stream, "f:s").
func splitRel(rel string, r pathRules) ([]string, error) {
	switch {
	case rel == "":
		return nil, fmt.Errorf("%w: empty path", ErrOutsideRoot)
	case strings.IndexByte(r.seps, rel[0]) >= 0:
		return nil, fmt.Errorf("%w: %q is absolute", ErrOutsideRoot, rel)
	case strings.IndexByte(rel, 0) >= 0:
		return nil, fmt.Errorf("%w: %q has a NUL byte", ErrOutsideRoot, rel)
	}
	var comps []string
	for c := range strings.FieldsFuncSeq(rel, func(c rune) bool { return strings.ContainsRune(r.seps, c) }) {
		switch {
		case c == ".":
			continue
		case c == "..":
			return nil, fmt.Errorf("%w: %q has a %q component", ErrOutsideRoot, rel, c)
		case r.forbidden != "" && strings.ContainsAny(c, r.forbidden):
			return nil, fmt.Errorf("%w: %q has one of %q in a component", ErrOutsideRoot, rel, r.forbidden)
		}
		comps = append(comps, c)
	}
	if len(comps) == 0 {
		return nil, fmt.Errorf("%w: %q names the root itself", ErrOutsideRoot, rel)
	}
	return comps, nil
}

// randomName returns a name for the rename before the delete, so the
// original name does not stay in the folder's free directory slots. Its 128
// random bits mean nobody can create it first on purpose; the leading dot
// hides it on POSIX for the instant it exists.
func randomName() string {
	return ".dataward-" + rand.Text()
}

// renameRandom calls rename with fresh random names until one does not
// clash (clash tells). A clash needs a 128-bit guess, so a few tries do.
func renameRandom(rename func(to string) error, clash func(error) bool) (string, error) {
	const tries = 4
	for range tries {
		to := randomName()
		err := rename(to)
		if err == nil {
			return to, nil
		}
		if !clash(err) {
			return "", fmt.Errorf("renaming to %s: %w", to, err)
		}
	}
	return "", fmt.Errorf("renaming: %d random names were all taken", tries)
}

// overwriteNotes maps a filesystem's lower-case name (Linux statfs f_type,
// macOS f_fstypename, Windows GetVolumeInformationByHandleW) to why an
// overwrite does not reach the old blocks there.
var overwriteNotes = map[string]struct{ kind, why string }{
	"apfs":     {"copy-on-write", ""},
	"btrfs":    {"copy-on-write", ""},
	"bcachefs": {"copy-on-write", ""},
	"zfs":      {"copy-on-write", ""},
	"refs":     {"copy-on-write", ""},
	"f2fs":     {"log-structured", ""},
	"nilfs2":   {"log-structured", ""},
	"overlay":  {"overlay", "a lower layer may keep the original"},
	"tmpfs":    {"memory", "old pages may remain in RAM or swap"},
	"nfs":      {"network", "the server decides where data lands"},
	"smb":      {"network", "the server decides where data lands"},
	"smbfs":    {"network", "the server decides where data lands"},
	"cifs":     {"network", "the server decides where data lands"},
	"afpfs":    {"network", "the server decides where data lands"},
	"webdav":   {"network", "the server decides where data lands"},
	"fuse":     {"FUSE", "the file server process decides where data lands"},
}

// overwriteNote returns Report.Note for a file on filesystem fs, or "" if
// nothing is known against an in-place overwrite there (ext4, XFS, NTFS,
// HFS+: in place, but still not on SSDs, see the package doc).
func overwriteNote(fs string) string {
	n, ok := overwriteNotes[strings.ToLower(fs)]
	if !ok {
		return ""
	}
	s := fmt.Sprintf("%s filesystem (%s): overwrite is best effort", n.kind, strings.ToLower(fs))
	if n.why != "" {
		s += ", " + n.why
	}
	return s
}

// skipNote returns Report.Note for an NTFS file deleted without an
// overwrite because NTFS keeps its data in compression units or sparse or
// EFS-encrypted runs, which a write through the file does not rewrite in
// place (Sysinternals SDelete, "How SDelete Works").
func skipNote(attr string) string {
	return "NTFS " + attr + " file: writes do not rewrite its clusters in place, deleted without overwrite"
}
