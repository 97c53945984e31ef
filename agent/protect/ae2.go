package protect

import (
	"archive/zip"
	"compress/flate"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"time"
	"unicode/utf8"
)

// WinZip AES, AE-2, with a 256-bit key. Section names are those of the
// WinZip "AES Encryption Information: Encryption Specification AE-1 and
// AE-2", document version 1.04; APPNOTE is PKWARE's .ZIP File Format
// Specification.
const (
	methodAES     = 99     // II.2: the compression method that means "AES"
	aesExtraID    = 0x9901 // II.4: the AES extra data field
	aesVendorAE2  = 2      // II.4 notes: vendor version 2 is AE-2 (no CRC)
	aesStrength   = 3      // II.4 notes: mode 3 is a 256-bit key
	aesKeyLen     = 32     // bytes of a 256-bit key
	aesSaltLen    = 16     // III.2: 16 bytes of salt for a 256-bit key
	aesVerifyLen  = 2      // III.3: the password verification value
	aesAuthLen    = 10     // III.5: HMAC-SHA1-80
	aesIterations = 1000   // V.3: PBKDF2 iteration count
	aesOverhead   = aesSaltLen + aesVerifyLen + aesAuthLen

	// APPNOTE 4.4.4: general purpose bit 0 (encrypted), bit 3 (sizes in
	// a data descriptor after the data), bit 11 (the name is UTF-8).
	flagEncrypted  = 0x1
	flagDescriptor = 0x8
	flagUTF8       = 0x800
	// APPNOTE 4.4.3.2: 5.1 is "File is encrypted using AES encryption";
	// 7-Zip writes it too.
	zipVersionAES = 51
	// APPNOTE 4.4.5: the real method, stored in the AES extra field.
	methodDeflate = 8
)

// aesKeys are what PBKDF2 derives from the password and salt (V.3): the
// first 32 bytes are the AES key, the next 32 the HMAC key, the last two
// the password verification value.
type aesKeys struct {
	enc, auth []byte
	verifier  [aesVerifyLen]byte
}

func deriveAESKeys(password string, salt []byte) (aesKeys, error) {
	dk, err := pbkdf2.Key(sha1.New, password, salt, aesIterations, 2*aesKeyLen+aesVerifyLen)
	if err != nil {
		return aesKeys{}, fmt.Errorf("deriving the zip key: %w", err)
	}
	k := aesKeys{enc: dk[:aesKeyLen], auth: dk[aesKeyLen : 2*aesKeyLen]}
	copy(k.verifier[:], dk[2*aesKeyLen:])
	return k, nil
}

// ctrLE is AES in counter mode as WinZip uses it (III.4, through Gladman's
// fcrypt): the counter block is a 128-bit little-endian integer that
// starts at 1. crypto/cipher's CTR counts big-endian, hence this type.
type ctrLE struct {
	block cipher.Block
	ctr   [aes.BlockSize]byte
	ks    [32 * aes.BlockSize]byte // key stream, refilled 32 blocks at a time
	used  int
}

func newCTRLE(key []byte) (*ctrLE, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	c := &ctrLE{block: b}
	c.used = len(c.ks)
	return c, nil
}

func (c *ctrLE) XORKeyStream(dst, src []byte) {
	for len(src) > 0 {
		if c.used == len(c.ks) {
			for i := 0; i < len(c.ks); i += aes.BlockSize {
				for j := range c.ctr {
					c.ctr[j]++
					if c.ctr[j] != 0 {
						break
					}
				}
				c.block.Encrypt(c.ks[i:i+aes.BlockSize], c.ctr[:])
			}
			c.used = 0
		}
		n := subtle.XORBytes(dst, src, c.ks[c.used:])
		c.used += n
		dst, src = dst[n:], src[n:]
	}
}

// aeWriter encrypts what is written to it and writes the ciphertext on,
// keeping the HMAC-SHA1 of the ciphertext: encrypt-then-MAC (III.5).
type aeWriter struct {
	w   io.Writer
	ctr *ctrLE
	mac hash.Hash
	buf []byte
	n   int64 // ciphertext bytes written
}

func (a *aeWriter) Write(p []byte) (int, error) {
	done := 0
	for len(p) > 0 {
		chunk := min(len(p), len(a.buf))
		a.ctr.XORKeyStream(a.buf[:chunk], p[:chunk])
		a.mac.Write(a.buf[:chunk])
		n, err := a.w.Write(a.buf[:chunk])
		a.n += int64(n)
		done += n
		if err != nil {
			return done, err
		}
		p = p[chunk:]
	}
	return done, nil
}

// aesExtra is the AES extra data field (II.4) for AE-2, 256-bit, with the
// file deflated.
func aesExtra() []byte {
	b := make([]byte, 11)
	binary.LittleEndian.PutUint16(b[0:], aesExtraID)
	binary.LittleEndian.PutUint16(b[2:], 7)
	binary.LittleEndian.PutUint16(b[4:], aesVendorAE2)
	copy(b[6:], "AE")
	b[8] = aesStrength
	binary.LittleEndian.PutUint16(b[9:], methodDeflate)
	return b
}

// zipEntry is what writeAE2 needs to know of the one file it stores.
type zipEntry struct {
	name     string    // the name in the archive: a base name
	modified time.Time // stored as MS-DOS local time, as Windows tools do
}

// writeAE2 writes a zip archive to w holding one entry, the bytes of src
// deflated and then encrypted with WinZip AE-2 (AES-256) under password,
// using salt (aesSaltLen random bytes, fresh for every file: III.2). It
// returns the number of bytes read from src. It stops at the first error
// or when ctx is done; w then holds a partial archive that the caller
// throws away.
func writeAE2(ctx context.Context, w io.Writer, src io.Reader, e zipEntry, password string, salt []byte) (int64, error) {
	if len(salt) != aesSaltLen {
		return 0, fmt.Errorf("zip salt of %d bytes, want %d", len(salt), aesSaltLen)
	}
	keys, err := deriveAESKeys(password, salt)
	if err != nil {
		return 0, err
	}
	ctr, err := newCTRLE(keys.enc)
	if err != nil {
		return 0, fmt.Errorf("zip cipher: %w", err)
	}

	zw := zip.NewWriter(w)
	fh := &zip.FileHeader{
		Name:          e.name,
		Method:        methodAES,
		Flags:         flagEncrypted | flagDescriptor,
		ReaderVersion: zipVersionAES,
		Extra:         aesExtra(),
	}
	if utf8.ValidString(e.name) && !isASCII(e.name) {
		fh.Flags |= flagUTF8
	}
	fh.CreatorVersion = zipVersionAES
	// Unix permissions for whoever unpacks it on Unix: the content is
	// personal data.
	fh.SetMode(fileMode)
	fh.ModifiedDate, fh.ModifiedTime = msDOSTime(e.modified)
	raw, err := zw.CreateRaw(fh)
	if err != nil {
		return 0, fmt.Errorf("writing zip header: %w", err)
	}
	// Salt and verifier go first, in the clear (III.1).
	if _, err := raw.Write(salt); err != nil {
		return 0, err
	}
	if _, err := raw.Write(keys.verifier[:]); err != nil {
		return 0, err
	}
	aw := &aeWriter{w: raw, ctr: ctr, mac: hmac.New(sha1.New, keys.auth), buf: make([]byte, 64<<10)}
	// Compression comes before encryption (III.4).
	fl, err := flate.NewWriter(aw, flate.DefaultCompression)
	if err != nil {
		return 0, err
	}
	n, err := copyContext(ctx, fl, src)
	if err != nil {
		return n, err
	}
	if err := fl.Close(); err != nil {
		return n, err
	}
	if _, err := raw.Write(aw.mac.Sum(nil)[:aesAuthLen]); err != nil {
		return n, err
	}
	// The sizes go in the data descriptor and central directory, which
	// zip.Writer writes from fh when the entry and the archive are
	// closed. AE-2 stores no CRC (II.3), and the compressed size counts
	// salt, verifier, data and authentication code (III.1).
	fh.CRC32 = 0
	fh.CompressedSize64 = uint64(aesOverhead) + uint64(aw.n)
	fh.UncompressedSize64 = uint64(n)
	if fh.CompressedSize64 >= 1<<32-1 || fh.UncompressedSize64 >= 1<<32-1 {
		// The callers' limits keep entries far from ZIP64 sizes; the
		// data descriptor written so far has no room for them.
		return n, fmt.Errorf("zip entry of %d bytes needs ZIP64: %w", n, ErrTooLarge)
	}
	fh.CompressedSize = uint32(fh.CompressedSize64)
	fh.UncompressedSize = uint32(fh.UncompressedSize64)
	if err := zw.Close(); err != nil {
		return n, fmt.Errorf("finishing zip: %w", err)
	}
	return n, nil
}

// copyContext copies src to dst in chunks, checking ctx between them.
func copyContext(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := src.Read(buf)
		if k > 0 {
			if _, err := dst.Write(buf[:k]); err != nil {
				return n, err
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// msDOSTime converts t, in its own location, to MS-DOS date and time
// (APPNOTE 4.4.6), clamped to the years the format holds.
func msDOSTime(t time.Time) (date, tm uint16) {
	switch {
	case t.Year() < 1980:
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, t.Location())
	case t.Year() > 2107:
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, t.Location())
	}
	date = uint16(t.Day() | int(t.Month())<<5 | (t.Year()-1980)<<9)
	tm = uint16(t.Second()/2 | t.Minute()<<5 | t.Hour()<<11)
	return date, tm
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
