// Package crypt recognises password-encrypted containers from their bytes:
// encrypted Office documents in OLE compound files, 7z archives and PDFs.
// It tells whether a password is needed and never decrypts content. Where
// a format has a password that every reader tries first (Excel's
// VelvetSweatshop, a PDF's empty user password) it checks that password's
// verifier, because such a file opens without a prompt.
package crypt

import (
	"errors"
	"fmt"
	"io"
)

// Info is what was found out about one container.
type Info struct {
	// Encrypted reports whether the content cannot be read without a
	// password that the file does not itself give away.
	Encrypted bool
	// Scheme names the format and encryption, e.g. "ooxml-agile",
	// "xls-rc4", "7z-aes", "pdf-aes256", for the audit log.
	Scheme string
	// Detail says why, for a person: "PDF opens without a password (owner
	// password only)".
	Detail string
}

// ErrMalformed reports that the bytes are not a well-formed container of
// the kind asked for, so nothing can be said about its encryption.
var ErrMalformed = errors.New("malformed container")

// ErrLimit reports that a container would need more reading, decoding or
// memory than we are willing to spend on it.
var ErrLimit = errors.New("over the reading limit")

// readAt reads exactly len(p) bytes at off from the first size bytes of r.
func readAt(r io.ReaderAt, size int64, p []byte, off int64) error {
	if off < 0 || off > size || int64(len(p)) > size-off {
		return fmt.Errorf("reading %d bytes at %d of %d: %w", len(p), off, size, ErrMalformed)
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading %d bytes at %d: %w", len(p), off, err)
}
