package protect

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/aes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixturePassword is the password of the testdata archives made by 7-Zip
// (make-fixtures.sh).
const fixturePassword = "correct-horse-battery-staple"

const fixtureLine = "Siân Jones,07700 900123\nLlŷr Evans,01632 960001\n"

// openAE2 reads the one entry of an AE-2 archive by the WinZip spec: it
// checks the header fields, the password verifier and the authentication
// code, then decrypts and inflates. It is the reader the writer's output
// and 7-Zip's archives are both checked with.
func openAE2(t *testing.T, archive []byte, password string) (*zip.File, []byte, error) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	f := zr.File[0]
	require.Equal(t, uint16(methodAES), f.Method, "method 99")
	require.NotZero(t, f.Flags&flagEncrypted, "encrypted flag")
	require.Zero(t, f.CRC32, "AE-2 stores no CRC")
	extra := findExtra(f.Extra, aesExtraID)
	require.Len(t, extra, 7, "AES extra field")
	require.Equal(t, uint16(aesVendorAE2), binary.LittleEndian.Uint16(extra[0:]))
	require.Equal(t, "AE", string(extra[2:4]))
	require.Equal(t, byte(aesStrength), extra[4])
	inner := binary.LittleEndian.Uint16(extra[5:])

	rc, err := f.OpenRaw()
	require.NoError(t, err)
	raw, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, f.CompressedSize64, uint64(len(raw)))
	require.GreaterOrEqual(t, len(raw), aesOverhead)
	salt, verifier := raw[:aesSaltLen], raw[aesSaltLen:aesSaltLen+aesVerifyLen]
	data, code := raw[aesSaltLen+aesVerifyLen:len(raw)-aesAuthLen], raw[len(raw)-aesAuthLen:]

	keys, err := deriveAESKeys(password, salt)
	require.NoError(t, err)
	if !bytes.Equal(keys.verifier[:], verifier) {
		return f, nil, errors.New("wrong password (verifier)")
	}
	mac := hmac.New(sha1.New, keys.auth)
	mac.Write(data)
	if !hmac.Equal(mac.Sum(nil)[:aesAuthLen], code) {
		return f, nil, errors.New("authentication code mismatch")
	}
	ctr, err := newCTRLE(keys.enc)
	require.NoError(t, err)
	plain := make([]byte, len(data))
	ctr.XORKeyStream(plain, data)
	switch inner {
	case 0:
	case methodDeflate:
		plain, err = io.ReadAll(flate.NewReader(bytes.NewReader(plain)))
		require.NoError(t, err)
	default:
		t.Fatalf("inner method %d", inner)
	}
	require.Equal(t, f.UncompressedSize64, uint64(len(plain)))
	return f, plain, nil
}

func findExtra(extra []byte, id uint16) []byte {
	for len(extra) >= 4 {
		tag, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+size {
			return nil
		}
		if tag == id {
			return extra[4 : 4+size]
		}
		extra = extra[4+size:]
	}
	return nil
}

// RFC 6070 test vectors for PBKDF2-HMAC-SHA1, the key derivation of
// WinZip AES (spec V.3, RFC 2898).
func TestPBKDF2Vectors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		password, salt string
		iter, n        int
		want           string
	}{
		{"password", "salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
		{"password", "salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
		{"password", "salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"},
		{"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
		{"pass\x00word", "sa\x00lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"},
	} {
		got, err := pbkdf2.Key(sha1.New, tc.password, []byte(tc.salt), tc.iter, tc.n)
		require.NoError(t, err)
		require.Equal(t, tc.want, hex.EncodeToString(got), "%q/%q/%d", tc.password, tc.salt, tc.iter)
	}
}

// The derived bytes split as V.3 says: key, then authentication key,
// then the two-byte verifier.
func TestDeriveAESKeysSplit(t *testing.T) {
	t.Parallel()
	salt := []byte("0123456789abcdef")
	dk, err := pbkdf2.Key(sha1.New, "secret", salt, 1000, 66)
	require.NoError(t, err)
	k, err := deriveAESKeys("secret", salt)
	require.NoError(t, err)
	require.Equal(t, dk[:32], k.enc)
	require.Equal(t, dk[32:64], k.auth)
	require.Equal(t, dk[64:66], k.verifier[:])
}

// The counter mode is checked against AES applied by hand to the counter
// blocks the spec implies: little-endian, starting at 1, carrying into the
// next byte after 255.
func TestCTRLEKnownAnswer(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{0x42}, 32)
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	const blocks = 300 // past block 256, where the counter carries
	plain := make([]byte, blocks*16-5)
	_, err = rand.Read(plain)
	require.NoError(t, err)
	want := make([]byte, len(plain))
	for i := range want {
		if i%16 == 0 {
			var ctr, ks [16]byte
			binary.LittleEndian.PutUint64(ctr[:], uint64(i/16+1))
			block.Encrypt(ks[:], ctr[:])
			for j := i; j < min(i+16, len(want)); j++ {
				want[j] = plain[j] ^ ks[j-i]
			}
		}
	}
	// First counter block: AES(01 00 .. 00); the 256th: AES(00 01 00 .. 00).
	var one, c256 [16]byte
	one[0], c256[1] = 1, 1
	var ks [16]byte
	block.Encrypt(ks[:], one[:])
	require.Equal(t, plain[0]^ks[0], want[0])
	block.Encrypt(ks[:], c256[:])
	require.Equal(t, plain[255*16]^ks[0], want[255*16])

	for _, chunk := range []int{1, 7, 16, 33, 512, 4096, len(plain)} {
		c, err := newCTRLE(key)
		require.NoError(t, err)
		got := make([]byte, len(plain))
		for off := 0; off < len(plain); off += chunk {
			end := min(off+chunk, len(plain))
			c.XORKeyStream(got[off:end], plain[off:end])
		}
		require.Equal(t, want, got, "chunks of %d", chunk)
	}
}

// Archives written by 7-Zip (testdata/make-fixtures.sh) open with the key
// derivation, verifier, counter mode and authentication code used here:
// a known answer from an independent implementation.
func TestAE2SevenZipFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, name, want string
		inner            uint16
	}{
		{"ae2-7zip-store.zip", "short.txt", fixtureLine, 0},
		{"ae2-7zip-deflate.zip", "long.txt", strings.Repeat(fixtureLine, 200), methodDeflate},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			f, got, err := openAE2(t, b, fixturePassword)
			require.NoError(t, err)
			require.Equal(t, tc.name, f.Name)
			require.Equal(t, tc.want, string(got))
			require.Equal(t, tc.inner, binary.LittleEndian.Uint16(findExtra(f.Extra, aesExtraID)[5:]))
			_, _, err = openAE2(t, b, "wrong-password")
			require.Error(t, err)
		})
	}
}

// writeAE2's archive has the fields the spec asks for, in the local
// header as well as the central directory, and opens with the password.
func TestWriteAE2(t *testing.T) {
	t.Parallel()
	big := make([]byte, 300<<10)
	_, err := rand.Read(big)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		data []byte
		utf8 bool
	}{
		{"empty.txt", nil, false},
		{"one.txt", []byte("x"), false},
		{"Members – Siân.csv", []byte(strings.Repeat("0123,Llŷr\r\n", 5000)), true},
		{"random.bin", big, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			salt := make([]byte, aesSaltLen)
			_, err := rand.Read(salt)
			require.NoError(t, err)
			mod := time.Date(2026, 3, 1, 14, 30, 10, 0, time.Local)
			var buf bytes.Buffer
			n, err := writeAE2(t.Context(), &buf, bytes.NewReader(tc.data), zipEntry{name: tc.name, modified: mod}, "pass-word", salt)
			require.NoError(t, err)
			require.Equal(t, int64(len(tc.data)), n)
			archive := buf.Bytes()

			// Local file header (APPNOTE 4.3.7): version 5.1, flags with
			// bits 0 and 3 (and 11 for a UTF-8 name), method 99, CRC and
			// sizes left for the data descriptor, the AES extra field.
			require.Equal(t, "PK\x03\x04", string(archive[:4]))
			le := binary.LittleEndian
			require.Equal(t, uint16(zipVersionAES), le.Uint16(archive[4:]))
			flags := le.Uint16(archive[6:])
			require.Equal(t, uint16(flagEncrypted|flagDescriptor), flags&^flagUTF8)
			require.Equal(t, tc.utf8, flags&flagUTF8 != 0)
			require.Equal(t, uint16(methodAES), le.Uint16(archive[8:]))
			require.Zero(t, le.Uint32(archive[14:]), "CRC")
			nameLen, extraLen := int(le.Uint16(archive[26:])), int(le.Uint16(archive[28:]))
			require.Equal(t, tc.name, string(archive[30:30+nameLen]))
			require.Equal(t, aesExtra(), archive[30+nameLen:30+nameLen+extraLen])
			// The salt follows the header: what was asked for.
			require.Equal(t, salt, archive[30+nameLen+extraLen:][:aesSaltLen])

			f, got, err := openAE2(t, archive, "pass-word")
			require.NoError(t, err)
			require.True(t, bytes.Equal(tc.data, got), "content differs")
			require.Equal(t, tc.name, f.Name)
			require.Equal(t, uint16(zipVersionAES), f.ReaderVersion)
			require.Equal(t, fileMode, f.Mode().Perm())
			// MS-DOS time has no zone: the wall clock of the input's time.
			require.Equal(t, "2026-03-01 14:30:10", f.Modified.Format("2006-01-02 15:04:05"))

			_, _, err = openAE2(t, archive, "pass-wort")
			require.Error(t, err)
		})
	}
}

func TestWriteAE2Errors(t *testing.T) {
	t.Parallel()
	salt := make([]byte, aesSaltLen)
	data := bytes.Repeat([]byte("data"), 1<<18)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := writeAE2(ctx, io.Discard, bytes.NewReader(data), zipEntry{name: "a"}, "p", salt)
	require.ErrorIs(t, err, context.Canceled)

	full := errors.New("no space left on device")
	_, err = writeAE2(t.Context(), &failingWriter{after: 1000, err: full}, bytes.NewReader(data), zipEntry{name: "a"}, "p", salt)
	require.ErrorIs(t, err, full)

	_, err = writeAE2(t.Context(), io.Discard, bytes.NewReader(data), zipEntry{name: "a"}, "p", salt[:8])
	require.Error(t, err)
}

// failingWriter fails like a full disk once after bytes have been written.
type failingWriter struct {
	after int
	err   error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		n := w.after
		w.after = 0
		return n, w.err
	}
	w.after -= len(p)
	return len(p), nil
}

func TestMSDOSTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       time.Time
		date, tm uint16
	}{
		{time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1<<5 | 1, 0},
		{time.Date(1970, 6, 1, 0, 0, 0, 0, time.UTC), 1<<5 | 1, 0},
		{time.Date(2026, 12, 4, 23, 59, 59, 0, time.UTC), 46<<9 | 12<<5 | 4, 23<<11 | 59<<5 | 29},
	} {
		d, tm := msDOSTime(tc.in)
		require.Equal(t, tc.date, d, "%v", tc.in)
		require.Equal(t, tc.tm, tm, "%v", tc.in)
	}
}
