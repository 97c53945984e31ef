package corpus

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"time"
)

// seal is how a zip entry is protected.
type seal int

const (
	plain     seal = iota
	zipCrypto      // traditional PKWARE encryption, APPNOTE 6.1
	aesMarked      // WinZip AES (method 99, extra 0x9901) with random payload
	stored         // plain but not compressed, as ODF's mimetype must be
)

// entry is one file in an archive.
type entry struct {
	name string
	data []byte
	seal seal
}

// zipPassword is the password of every ZipCrypto entry, so a test or a
// curious reader can open them with `unzip -P`.
const zipPassword = "Ward3-2026"

// zipTime is the modification time of every entry: fixed, so archives are
// byte-identical for a seed, and plausible.
var zipTime = refDate.Add(10*time.Hour + 42*time.Minute)

func dosDateTime(t time.Time) (date, tm uint16) {
	return uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()),
		uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
}

func deflate(p []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(p); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeZip writes entries in order. Raw entries (stored, sealed) are
// written with CreateRaw so no data descriptor follows them: ODF wants the
// mimetype's bytes at a fixed offset, and encrypted entries need the CRC
// known before the data for their check byte.
func encodeZip(r *rand.Rand, entries []entry) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	date, tm := dosDateTime(zipTime)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(e.data), UncompressedSize64: uint64(len(e.data))}
		// CreateRaw ignores Modified and writes the MS-DOS fields as given;
		// setting them for every entry keeps one code path and no extended
		// timestamp field, which ODF's mimetype must not have.
		fh.ModifiedDate, fh.ModifiedTime = date, tm //lint:ignore SA1019 see above
		var w io.Writer
		var body []byte
		var err error
		switch e.seal {
		case plain:
			w, err = zw.CreateHeader(fh)
			body = e.data
		case stored:
			fh.Method, fh.CompressedSize64, body = zip.Store, uint64(len(e.data)), e.data
			w, err = zw.CreateRaw(fh)
		case zipCrypto:
			body, err = deflate(e.data)
			if err == nil {
				body = zipEncrypt(r, body, fh.CRC32, zipPassword)
				fh.Flags, fh.CompressedSize64 = 0x1, uint64(len(body))
				w, err = zw.CreateRaw(fh)
			}
		case aesMarked:
			// AE-2 entries carry no CRC; the payload is salt (16 bytes for
			// AES-256), a 2-byte password verifier, the data and a 10-byte
			// authentication code. Random bytes of that length stand in.
			body = randBytes(r, 16+2+len(e.data)/2+10)
			fh.Method, fh.Flags, fh.CRC32, fh.CompressedSize64 = 99, 0x1, 0, uint64(len(body))
			fh.Extra = []byte{0x01, 0x99, 7, 0, 2, 0, 'A', 'E', 3, byte(zip.Deflate), 0}
			w, err = zw.CreateRaw(fh)
		}
		if err == nil {
			_, err = w.Write(body)
		}
		if err != nil {
			return nil, fmt.Errorf("zip entry %q: %w", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("closing zip: %w", err)
	}
	return b.Bytes(), nil
}

// zipKeys is the traditional PKWARE cipher state (APPNOTE.TXT 6.1.5).
type zipKeys [3]uint32

func newZipKeys(password string) *zipKeys {
	k := &zipKeys{0x12345678, 0x23456789, 0x34567890}
	for i := range len(password) {
		k.update(password[i])
	}
	return k
}

func crcByte(crc uint32, b byte) uint32 {
	return crc32.IEEETable[byte(crc)^b] ^ crc>>8
}

func (k *zipKeys) update(b byte) {
	k[0] = crcByte(k[0], b)
	k[1] = (k[1]+k[0]&0xff)*134775813 + 1
	k[2] = crcByte(k[2], byte(k[1]>>24))
}

func (k *zipKeys) stream() byte {
	t := uint16(k[2] | 2)
	return byte(t * (t ^ 1) >> 8)
}

// zipEncrypt prepends the 12-byte encryption header, whose last byte is the
// CRC's high byte so unzip can reject a wrong password, and encrypts.
func zipEncrypt(r *rand.Rand, body []byte, crc uint32, password string) []byte {
	k := newZipKeys(password)
	head := randBytes(r, 12)
	head[11] = byte(crc >> 24)
	out := make([]byte, 0, 12+len(body))
	for _, p := range append(head, body...) {
		out = append(out, p^k.stream())
		k.update(p)
	}
	return out
}
