package crypt

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// Limits for one compound file. mscfb follows sector chains read from the
// file (directory, DIFAT, mini stream) with only loose cycle checks and one
// directory entry per 128 bytes read, so the reader it gets is metered: a
// real Office file's directory is a few sectors and we read only the first
// kilobytes of a handful of streams.
const (
	cfbMaxBytes  = 4 << 20
	cfbMaxCalls  = 1 << 16
	cfbMaxPrefix = 64 << 10 // bytes read from the start of any one stream
)

// velvetSweatshop is the password Excel uses when it must encrypt a
// workbook (for instance to protect its structure) and the user gave none;
// every reader tries it first, so such a file opens without a prompt.
const velvetSweatshop = "VelvetSweatshop"

var cfbSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// CFB reports whether the OLE compound file (MS-CFB) of the given size in r
// needs a password: an encrypted OOXML package (MS-OFFCRYPTO 2.3.4), a
// rights-managed document (MS-OFFCRYPTO 2.2), or a legacy .xls, .doc or
// .ppt with its own encryption. An unencrypted file gets the Scheme "xls",
// "doc", "ppt" or "cfb", so the caller knows what it was.
func CFB(r io.ReaderAt, size int64) (Info, error) {
	var sig [8]byte
	if err := readAt(r, size, sig[:], 0); err != nil || !bytes.Equal(sig[:], cfbSignature) {
		return Info{}, fmt.Errorf("reading compound file signature: %w", ErrMalformed)
	}
	b := &budget{r: io.NewSectionReader(r, 0, size), bytes: cfbMaxBytes, calls: cfbMaxCalls}
	doc, err := mscfb.New(b)
	if err != nil {
		return Info{}, b.wrap("reading compound file directory", err)
	}
	c := cfb{b: b, streams: make(map[string]*mscfb.File)}
	for _, f := range doc.File {
		if !f.FileInfo().IsDir() {
			// mscfb drops the control character that starts names like
			// "\x06DataSpaces", so this is "DataSpaces/DataSpaceMap".
			c.streams[strings.Join(append(f.Path[:len(f.Path):len(f.Path)], f.Name), "/")] = f
		}
	}
	return c.classify()
}

// budget is an io.ReaderAt that fails with ErrLimit once it has been asked
// for more than bytes bytes or calls reads, so that a third-party parser
// walking hostile sector chains stays bounded.
type budget struct {
	r      io.ReaderAt
	bytes  int64
	calls  int
	broken bool // the budget ran out
}

func (b *budget) ReadAt(p []byte, off int64) (int, error) {
	b.calls--
	b.bytes -= int64(len(p))
	if b.calls < 0 || b.bytes < 0 {
		b.broken = true
		return 0, ErrLimit
	}
	return b.r.ReadAt(p, off)
}

// wrap blames the budget when it ran out, else the file.
func (b *budget) wrap(what string, err error) error {
	if b.broken {
		return fmt.Errorf("%s: %w", what, ErrLimit)
	}
	return fmt.Errorf("%s: %w: %w", what, ErrMalformed, err)
}

// cfb is a compound file's streams by path.
type cfb struct {
	b       *budget
	streams map[string]*mscfb.File
}

// read returns the first bytes of a stream, at most n of them, or nil if
// the file has no such stream.
func (c *cfb) read(name string, n int) ([]byte, error) {
	f := c.streams[name]
	if f == nil {
		return nil, nil
	}
	buf := make([]byte, min(int64(n), f.Size))
	if got, err := f.ReadAt(buf, 0); got != len(buf) {
		return nil, c.b.wrap("reading stream "+name, err)
	}
	return buf, nil
}

// classify looks for rights management first, since an IRM package also
// has an EncryptedPackage, then at what the streams say the file is.
func (c *cfb) classify() (Info, error) {
	irm := c.streams["DataSpaces/DataSpaceInfo/DRMEncryptedDataSpace"] != nil
	if !irm {
		m, err := c.read("DataSpaces/DataSpaceMap", cfbMaxPrefix)
		if err != nil {
			return Info{}, err
		}
		irm = bytes.Contains(m, utf16le("DRMEncryptedDataSpace"))
	}
	_, pkg := c.streams["EncryptedPackage"]
	switch {
	case irm && pkg:
		return Info{Encrypted: true, Scheme: "ooxml-irm", Detail: "rights-managed (IRM) package"}, nil
	case irm:
		return Info{Encrypted: true, Scheme: "office-irm", Detail: "rights-managed (IRM) document"}, nil
	case pkg:
		return c.ooxml()
	case c.streams["Workbook"] != nil:
		return c.xls("Workbook")
	case c.streams["Book"] != nil:
		return c.xls("Book")
	case c.streams["WordDocument"] != nil:
		return c.doc()
	case c.streams["PowerPoint Document"] != nil:
		return c.ppt()
	}
	return Info{Scheme: "cfb"}, nil
}

// ooxml names the encryption of an EncryptedPackage by the version at the
// start of its EncryptionInfo stream (MS-OFFCRYPTO 2.3.4.5, 2.3.4.6,
// 2.3.4.10). None of these has a default password, so it is encrypted.
func (c *cfb) ooxml() (Info, error) {
	v, err := c.read("EncryptionInfo", 4)
	if err != nil {
		return Info{}, err
	}
	if len(v) < 4 {
		return Info{Encrypted: true, Scheme: "ooxml", Detail: "encrypted package without a readable EncryptionInfo"}, nil
	}
	major, minor := binary.LittleEndian.Uint16(v), binary.LittleEndian.Uint16(v[2:])
	switch {
	case major == 4 && minor == 4:
		return Info{Encrypted: true, Scheme: "ooxml-agile", Detail: "password-encrypted package (agile encryption)"}, nil
	case major >= 2 && major <= 4 && minor == 2:
		return Info{Encrypted: true, Scheme: "ooxml-standard", Detail: "password-encrypted package (standard encryption)"}, nil
	case major >= 3 && major <= 4 && minor == 3:
		return Info{Encrypted: true, Scheme: "ooxml-extensible", Detail: "password-encrypted package (extensible encryption)"}, nil
	}
	return Info{Encrypted: true, Scheme: "ooxml", Detail: fmt.Sprintf("encrypted package, unknown EncryptionInfo version %d.%d", major, minor)}, nil
}

// BIFF record types (MS-XLS 2.3).
const (
	rtBOF8     = 0x0809
	rtEOF      = 0x000A
	rtFilePass = 0x002F
)

// xls walks the BIFF records of a workbook stream for FILEPASS. MS-XLS
// 2.1.7.20.1 puts it in the globals substream before any content, right
// after BOF (and WriteProtect), so the stream's first records suffice.
func (c *cfb) xls(stream string) (Info, error) {
	buf, err := c.read(stream, cfbMaxPrefix)
	if err != nil {
		return Info{}, err
	}
	if len(buf) < 4 || !isBOF(binary.LittleEndian.Uint16(buf)) {
		return Info{}, fmt.Errorf("%s stream does not start with a BOF record: %w", stream, ErrMalformed)
	}
	// BIFF8 (vers 0x0600 in BOF) FILEPASS starts with wEncryptionType;
	// BIFF5 and older have XOR obfuscation only and no type field.
	biff8 := binary.LittleEndian.Uint16(buf) == rtBOF8 && len(buf) >= 6 && binary.LittleEndian.Uint16(buf[4:]) == 0x0600
	for off := 0; off+4 <= len(buf); {
		rt, n := binary.LittleEndian.Uint16(buf[off:]), int(binary.LittleEndian.Uint16(buf[off+2:]))
		data := buf[off+4 : min(off+4+n, len(buf))]
		switch rt {
		case rtFilePass:
			if !biff8 {
				return xorInfo(data)
			}
			if len(data) < 2 {
				return Info{}, fmt.Errorf("FILEPASS record of %d bytes: %w", len(data), ErrMalformed)
			}
			switch binary.LittleEndian.Uint16(data) {
			case 0:
				return xorInfo(data[2:])
			case 1:
				return rc4Info(data[2:])
			}
			return Info{Encrypted: true, Scheme: "xls", Detail: "encrypted with an unknown FILEPASS method"}, nil
		case rtEOF:
			return Info{Scheme: "xls"}, nil
		}
		off += 4 + n
	}
	return Info{Scheme: "xls"}, nil
}

// isBOF reports whether rt is a BOF record type of some BIFF version.
func isBOF(rt uint16) bool {
	return rt == 0x0009 || rt == 0x0209 || rt == 0x0409 || rt == rtBOF8
}

// xorInfo checks XOR obfuscation's 16-bit verifier (MS-XLS 2.4.117
// XORObfuscation: key, verificationBytes) against the default password.
func xorInfo(data []byte) (Info, error) {
	if len(data) < 4 {
		return Info{}, fmt.Errorf("XOR FILEPASS of %d bytes: %w", len(data), ErrMalformed)
	}
	if binary.LittleEndian.Uint16(data[2:]) == xorVerifier(velvetSweatshop) {
		return Info{Scheme: "xls-xor", Detail: "opens without a password (VelvetSweatshop)"}, nil
	}
	return Info{Encrypted: true, Scheme: "xls-xor", Detail: "password-protected (XOR obfuscation)"}, nil
}

// xorVerifier is CreatePasswordVerifier_Method1 (MS-OFFCRYPTO 2.3.7.1) for
// an ASCII password.
func xorVerifier(password string) uint16 {
	bs := append([]byte{byte(len(password))}, password...)
	var v uint16
	for i := len(bs) - 1; i >= 0; i-- {
		v = (v>>14)&1 | (v<<1)&0x7FFF
		v ^= uint16(bs[i])
	}
	return v ^ 0xCE4B
}

// rc4Info reads the RC4 encryption header that follows the type field of
// FILEPASS (MS-XLS 2.4.117) and checks its password verifier against the default password: version 1.1 is Office
// binary RC4 (MS-OFFCRYPTO 2.3.6.1), x.2 is RC4 CryptoAPI (2.3.5.1).
func rc4Info(h []byte) (Info, error) {
	if len(h) < 4 {
		return Info{}, fmt.Errorf("RC4 encryption header of %d bytes: %w", len(h), ErrMalformed)
	}
	major, minor := binary.LittleEndian.Uint16(h), binary.LittleEndian.Uint16(h[2:])
	var opens bool
	scheme := "xls-rc4"
	switch {
	case major == 1 && minor == 1:
		if len(h) < 52 {
			return Info{}, fmt.Errorf("RC4 encryption header of %d bytes: %w", len(h), ErrMalformed)
		}
		opens = rc4Opens(velvetSweatshop, h[4:20], h[20:36], h[36:52])
	case major >= 2 && major <= 4 && minor == 2:
		scheme += "-cryptoapi"
		var err error
		if opens, err = cryptoAPIOpens(velvetSweatshop, h[4:]); err != nil {
			return Info{}, err
		}
	default:
		return Info{Encrypted: true, Scheme: "xls", Detail: fmt.Sprintf("encrypted, unknown RC4 header version %d.%d", major, minor)}, nil
	}
	if opens {
		return Info{Scheme: scheme, Detail: "opens without a password (VelvetSweatshop)"}, nil
	}
	return Info{Encrypted: true, Scheme: scheme, Detail: "password-encrypted"}, nil
}

// rc4Opens reports whether password opens Office binary RC4 encryption:
// key derivation of MS-OFFCRYPTO 2.3.6.2 for block 0, verification of
// 2.3.6.3 (the MD5 of the decrypted verifier is the decrypted hash).
func rc4Opens(password string, salt, verifier, verifierHash []byte) bool {
	h0 := md5.Sum(utf16le(password))
	buf := make([]byte, 0, 16*21)
	for range 16 {
		buf = append(append(buf, h0[:5]...), salt...)
	}
	h1 := md5.Sum(buf)
	key := md5.Sum(append(h1[:5:5], 0, 0, 0, 0))
	return rc4Verify(key[:], verifier, verifierHash, func(b []byte) []byte { s := md5.Sum(b); return s[:] })
}

// cryptoAPIOpens reports whether password opens RC4 CryptoAPI encryption
// whose header, after the version, is h: Flags, HeaderSize, the
// EncryptionHeader and the EncryptionVerifier (MS-OFFCRYPTO 2.3.5.1). Key
// derivation is 2.3.5.2, verification 2.3.5.6 with SHA-1.
func cryptoAPIOpens(password string, h []byte) (bool, error) {
	if len(h) < 8 {
		return false, fmt.Errorf("RC4 CryptoAPI header of %d bytes: %w", len(h), ErrMalformed)
	}
	hs := int64(binary.LittleEndian.Uint32(h[4:]))
	if hs < 32 || 8+hs+4+16+16+4+20 > int64(len(h)) {
		return false, fmt.Errorf("RC4 CryptoAPI header size %d of %d bytes: %w", hs, len(h), ErrMalformed)
	}
	keyBits := binary.LittleEndian.Uint32(h[8+16:]) // EncryptionHeader.KeySize
	if keyBits == 0 {
		keyBits = 40 // "MUST be 0x00000028 ... or 0x00000000 meaning 40 bits"
	}
	if keyBits < 40 || keyBits > 128 || keyBits%8 != 0 {
		return false, fmt.Errorf("RC4 CryptoAPI key size %d: %w", keyBits, ErrMalformed)
	}
	v := h[8+hs:]
	if binary.LittleEndian.Uint32(v) != 16 {
		return false, fmt.Errorf("RC4 CryptoAPI salt size %d: %w", binary.LittleEndian.Uint32(v), ErrMalformed)
	}
	salt, verifier, verifierHash := v[4:20], v[20:36], v[40:60]
	h0 := sha1.Sum(append(append([]byte{}, salt...), utf16le(password)...))
	hf := sha1.Sum(append(h0[:], 0, 0, 0, 0))
	key := make([]byte, 16) // a 40-bit key is zero-padded to 128 bits
	copy(key, hf[:keyBits/8])
	if keyBits > 40 {
		key = key[:keyBits/8]
	}
	return rc4Verify(key, verifier, verifierHash, func(b []byte) []byte { s := sha1.Sum(b); return s[:] }), nil
}

// rc4Verify decrypts verifier then verifierHash with one RC4 key stream and
// compares hash(verifier) with the result.
func rc4Verify(key, verifier, verifierHash []byte, hash func([]byte) []byte) bool {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return false
	}
	buf := append(append([]byte{}, verifier...), verifierHash...)
	c.XORKeyStream(buf, buf)
	return bytes.Equal(hash(buf[:len(verifier)]), buf[len(verifier):])
}

// doc reads the FIB at the start of the WordDocument stream (MS-DOC 2.5.2
// FibBase): fEncrypted is bit 0x0100 of the flags word at 0x0A, and
// fObfuscated (0x8000) says the method is XOR rather than RC4.
func (c *cfb) doc() (Info, error) {
	fib, err := c.read("WordDocument", 12)
	if err != nil {
		return Info{}, err
	}
	if len(fib) < 12 {
		return Info{}, fmt.Errorf("WordDocument stream of %d bytes: %w", len(fib), ErrMalformed)
	}
	flags := binary.LittleEndian.Uint16(fib[0x0A:])
	switch {
	case flags&0x0100 == 0:
		return Info{Scheme: "doc"}, nil
	case flags&0x8000 != 0:
		return Info{Encrypted: true, Scheme: "doc", Detail: "password-protected (XOR obfuscation)"}, nil
	}
	return Info{Encrypted: true, Scheme: "doc", Detail: "password-encrypted (RC4)"}, nil
}

// ppt reads the CurrentUserAtom (MS-PPT 2.3.2): its headerToken is
// 0xF3D1C4DF when the presentation is encrypted, 0xE391C05F when not.
func (c *cfb) ppt() (Info, error) {
	cu, err := c.read("Current User", 16)
	if err != nil {
		return Info{}, err
	}
	if len(cu) == 16 && binary.LittleEndian.Uint32(cu[12:]) == 0xF3D1C4DF {
		return Info{Encrypted: true, Scheme: "ppt", Detail: "password-encrypted (RC4 CryptoAPI)"}, nil
	}
	return Info{Scheme: "ppt"}, nil
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}
